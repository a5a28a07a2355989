"""cfn-lint through its Python API: each match a finding with its rule, severity and place."""

from __future__ import annotations

from typing import Any

from appstack.checks.lint import deployed_parameters, run_cfn_lint
from conftest import synth

TEMPLATE: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {
        "EnvironmentName": {"Type": "String", "Default": "dev"},
        "Unused": {"Type": "String"},
    },
    "Resources": {
        "Topic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": {"Ref": "EnvironmentName"}, "Bogus": 1},
        }
    },
}


def test_the_template_is_linted_with_the_parameter_values_it_is_deployed_with() -> None:
    # appstack passes no parameter: each takes its Default.
    assert deployed_parameters(TEMPLATE) == {"EnvironmentName": "dev"}
    assert deployed_parameters({"Resources": {}}) == {}


def test_a_finding_names_the_rule_the_resource_and_the_place() -> None:
    findings = {f.rule: f for f in run_cfn_lint(TEMPLATE, ["us-east-1"])}
    bogus = findings["E3002"]  # a property the resource type does not have
    assert (bogus.severity, bogus.resource) == ("error", "Topic")
    assert "Resources/Topic/Properties/Bogus" in bogus.message
    assert bogus.fix
    unused = findings["W2001"]  # a parameter nothing uses
    assert (unused.severity, unused.resource) == ("warning", "")


def test_appstacks_own_template_gives_no_finding() -> None:
    assert run_cfn_lint(synth(), ["us-east-1"]) == []
