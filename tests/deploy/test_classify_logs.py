"""What each log group keeps, and one stateful table that AS003, cfn-lint's I3011, the
data-loss guard and the stack policy all agree on.

I3011 (informational): stateful resources need an explicit DeletionPolicy and
UpdateReplacePolicy; its list of stateful types is cfn-lint's StatefulResources.json.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as files
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from appstack.checks.rules.stateful_policies import StatefulResourcesKeepData
from appstack.data.stateful import stateful_types
from appstack.deploy import classify
from appstack.deploy.changesets import Change
from appstack.deploy.protection import protected
from conftest import synth

VPN = {"customer_gateway_ip": "203.0.113.10", "on_premise_cidrs": ["192.168.1.0/24"]}


@cache
def prod4() -> dict[str, Any]:
    return synth({"environments": {"prod": {"vpn": VPN}}}, env="prod", phase=4)


@cache
def cfn_lint_stateful() -> set[str]:
    path = files.files("cfnlint").joinpath("data/AdditionalSpecs/StatefulResources.json")
    return set(json.loads(path.read_text())["ResourceTypes"])


def test_cfn_lint_finds_no_stateful_resource_without_explicit_policies() -> None:
    found = [
        m
        for m in lint(
            json.dumps(prod4()), config=ManualArgs(regions=["us-east-1"], include_checks=["I"])
        )
        if m.rule.id == "I3011"
    ]
    assert [str(m) for m in found] == []


def test_the_stateful_table_lists_every_type_cfn_lint_calls_stateful_that_appstack_builds() -> None:
    built = {r["Type"] for r in prod4()["Resources"].values()}
    assert built & cfn_lint_stateful() <= set(stateful_types())


def test_own_rule_as003_passes_prod_and_catches_a_log_group_without_a_decision() -> None:
    template = prod4()
    rule = StatefulResourcesKeepData()
    assert rule.check(template) == []
    broken = json.loads(json.dumps(template))
    del broken["Resources"]["WebAclLogGroup"]["DeletionPolicy"]
    [finding] = rule.check(broken)
    assert finding.resource == "WebAclLogGroup" and "explicit DeletionPolicy" in finding.message


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("AppLogGroup", True),
        ("FlowLogGroup", True),
        ("WebAclLogGroup", False),  # a fixed name: kept, it would block the firewall's return
    ],
)
def test_each_log_group_says_what_it_keeps_and_the_plan_names_a_deletion(
    name: str, kept: bool
) -> None:
    before = prod4()
    resource = before["Resources"][name]
    assert resource["DeletionPolicy"] == ("Retain" if kept else "Delete")
    assert name in protected(before)  # log history is data: never replaced mid-deploy
    after = json.loads(json.dumps(before))
    del after["Resources"][name]
    verdict = classify.judge(Change("Remove", name, "AWS::Logs::LogGroup"), before, after)
    assert not verdict.blocks
    expected = "kept in the account" if kept else "deleted with its content"
    assert expected in verdict.effect
