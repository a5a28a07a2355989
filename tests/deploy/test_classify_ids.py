"""Logical ids of repeated rules name their purpose or content, never their position.

Numbered by position, removing one entry makes resource N's replacement the rule resource
N+1 still holds; CloudFormation creates the replacement before deleting the old one and EC2
refuses the duplicate (InvalidPermission.Duplicate), so the update rolls back:
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import synth

RULE_TYPES = (
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::VPNConnectionRoute",
)
CIDRS = ["192.168.1.0/24", "192.168.2.0/24", "172.20.0.0/16"]


def template(features: dict[str, bool] | None = None, cidrs: list[str] = CIDRS) -> Any:
    vpn = {"customer_gateway_ip": "203.0.113.10", "on_premise_cidrs": cidrs, "static_routes": True}
    env = {"vpn": vpn, "features": features or {}}
    return synth({"environments": {"prod": env}}, env="prod", phase=4)


def rules(t: dict[str, Any]) -> dict[str, Any]:
    return {n: r["Properties"] for n, r in t["Resources"].items() if r["Type"] in RULE_TYPES}


def no_id_changes_content(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Ids kept by both templates whose rule changed: each would be replaced in place of a
    rule another id may still hold."""
    old, new = rules(before), rules(after)
    return sorted(n for n in old.keys() & new.keys() if old[n] != new[n])


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"features": {"database": False}}, id="database-off-cache-on"),
        pytest.param({"cidrs": CIDRS[1:]}, id="first-on-premise-range-removed"),
        pytest.param({"cidrs": CIDRS[:1] + CIDRS[2:]}, id="middle-on-premise-range-removed"),
    ],
)
def test_removing_one_rule_never_moves_another_to_its_id(change: dict[str, Any]) -> None:
    before, after = template(), template(**change)
    assert len(rules(after)) < len(rules(before))
    assert no_id_changes_content(before, after) == []


def test_rule_ids_name_purpose_and_content() -> None:
    names = set(rules(template()))
    assert {"TaskEgressToDatabase", "TaskEgressToCache"} <= names
    assert {"TaskIngressFromOnPremise19216800100024", "VpnRoute17202000000016"} <= names


def test_a_rule_moved_to_a_new_id_is_refused_before_it_fails_on_the_duplicate() -> None:
    """A stack deployed with ids by position meets the ids by purpose once: the plan says
    so, and what to do, instead of an update that fails and rolls back."""
    from appstack.deploy import classify
    from appstack.deploy.changesets import Change

    new = template()
    old = json.loads(json.dumps(new))
    old["Resources"]["TaskEgress1"] = old["Resources"].pop("TaskEgressToDatabase")
    old["Resources"]["TaskEgress1"]["Properties"]["Description"] = "an older wording"
    changes = [
        Change("Remove", "TaskEgress1", "AWS::EC2::SecurityGroupEgress"),
        Change("Add", "TaskEgressToDatabase", "AWS::EC2::SecurityGroupEgress"),
        Change("Add", "TaskIngressFromOnPremise17202000000016", "AWS::EC2::SecurityGroupIngress"),
    ]
    _, moved, other = classify.classify(changes, old, new).verdicts
    assert moved.kind == classify.REFUSED and moved.gate is None
    assert "TaskEgress1" in moved.effect and "duplicate" in moved.effect
    assert "by hand" in moved.safe_path
    assert not other.blocks
