"""appstack's own rules: each has a good and a bad template (tests/checks/rules/<id>/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appstack.checks.rules import RULES, run_rules
from conftest import synth

CASES = Path(__file__).parent
RULE_IDS = [rule.id for rule in RULES]


def load(rule_id: str, kind: str) -> dict:
    data: dict = json.loads((CASES / rule_id / f"{kind}.json").read_text())
    return data


def test_every_rule_declares_an_id_a_description_and_a_fix() -> None:
    assert len(set(RULE_IDS)) == len(RULES)
    for rule in RULES:
        assert rule.id.startswith("AS") and rule.description and rule.fix


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_the_good_template_passes_the_rule(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.check(load(rule.id, "good")) == []


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_the_bad_template_fails_the_rule_with_the_expected_findings(rule) -> None:  # type: ignore[no-untyped-def]
    bad = load(rule.id, "bad")
    findings = rule.check(bad)
    assert len(findings) == bad["Metadata"]["ExpectedFindings"]
    assert all(f.rule == rule.id and f.fix and f.resource for f in findings)


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_appstacks_own_templates_pass_every_rule(env: str) -> None:
    assert run_rules(synth(env=env)) == []


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_appstacks_phase_4_templates_pass_every_rule(env: str) -> None:
    vpn = {"environments": {env: {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    assert run_rules(synth(vpn, env=env, phase=4)) == []


def test_a_malformed_rule_id_is_refused() -> None:
    from appstack.checks.rules.base import rule

    with pytest.raises(ValueError, match="AS followed by three digits"):
        rule("X1", "made up", "nothing to fix")
