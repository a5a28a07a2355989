"""The change classifier: each change of a change set is in place, interrupting, replacing
or refused, with what it means and the safe path; the stack policy follows the same verdicts.

Changes are given as CloudFormation's DescribeChangeSet reports them (Replacement, and
Details naming the property that requires recreation):
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from appstack.deploy import classify
from appstack.deploy.changesets import Change, Detail
from appstack.deploy.protection import protected, stack_policy
from conftest import synth

VPN = {"customer_gateway_ip": "203.0.113.10", "on_premise_cidrs": ["192.168.1.0/24"]}


def prod(**settings: Any) -> dict[str, Any]:
    """The prod phase-4 template with `settings` changed (app-level keys go top level)."""
    app = {k: settings.pop(k) for k in ("port", "partition_key", "sort_key") if k in settings}
    env = {"vpn": VPN, **settings}
    return synth({**app, "environments": {"prod": env}}, env="prod", phase=4)


@pytest.fixture(scope="module")
def deployed() -> dict[str, Any]:
    return prod()


def replaced(logical_id: str, resource_type: str, *properties: str) -> Change:
    details = tuple(Detail("Properties", p, "Always") for p in properties)
    return Change("Modify", logical_id, resource_type, "True", details)


def denied(policy: str) -> set[str]:
    statements = json.loads(policy)["Statement"]
    return {
        r.removeprefix("LogicalResourceId/")
        for s in statements
        if s["Effect"] == "Deny"
        for r in s["Resource"]
    }


def test_a_replaced_table_is_refused_even_when_the_old_one_is_kept(
    deployed: dict[str, Any],
) -> None:
    """UpdateReplacePolicy Retain keeps the old table, but the application switches to a
    new, empty one: a data risk, refused up front with why and how to move the data."""
    new = prod(partition_key="id")
    assert new["Resources"]["Table"]["UpdateReplacePolicy"] == "Retain"
    verdict = classify.judge(replaced("Table", "AWS::DynamoDB::Table", "KeySchema"), deployed, new)
    assert verdict.kind == classify.REFUSED and verdict.gate == classify.ALLOW_DATA_LOSS
    assert "KeySchema cannot change in place" in verdict.effect
    assert "new, empty" in verdict.effect and "orphaned" in verdict.effect
    assert "export the table to S3" in verdict.safe_path
    assert not verdict.allowed() and verdict.allowed(allow_data_loss=True)


def test_every_stateful_replacement_is_refused_whatever_its_policy(
    deployed: dict[str, Any],
) -> None:
    for name in protected(deployed):
        resource = deployed["Resources"][name]
        verdict = classify.judge(replaced(name, resource["Type"]), deployed, deployed)
        assert verdict.kind == classify.REFUSED, name
        # A deletion-protected old copy cannot be deleted in the cleanup: no flag helps.
        protected_copy = resource.get("Properties", {}).get("DeletionProtection") is True
        assert verdict.gate == (None if protected_copy else classify.ALLOW_DATA_LOSS), name


def test_the_stack_policy_lifts_exactly_what_allow_data_loss_lets_through(
    deployed: dict[str, Any],
) -> None:
    """Issue 17 point 5: the plan and the stack policy decide from the same verdicts."""
    new = prod(partition_key="id")
    changes = [
        replaced("Table", "AWS::DynamoDB::Table", "KeySchema"),
        Change("Modify", "Service", "AWS::ECS::Service"),
    ]
    judged = classify.classify(changes, deployed, new)
    assert judged.lifted(allow_data_loss=False) == []
    assert judged.lifted(allow_data_loss=True) == ["Table"]
    # Without the flag the guard refuses what the policy would deny mid-deploy...
    refused = {v.change.logical_id for v in judged.blocking()}
    assert refused == {"Table"} and refused <= denied(stack_policy(new))
    # ...and with it, the policy of this operation lets exactly that replacement through.
    assert judged.blocking(allow_data_loss=True) == []
    lifted_policy = denied(stack_policy(new, judged.lifted(allow_data_loss=True)))
    assert lifted_policy == denied(stack_policy(new)) - {"Table"}
    assert {"DatabaseCluster", "Cache", "EncryptionKey"} <= lifted_policy


def test_a_port_change_interrupts_users_and_asks_for_allow_outage(
    deployed: dict[str, Any],
) -> None:
    new = prod(port=8080)
    assert new["Resources"]["TargetGroup"]["Properties"]["Port"] == 8080
    verdict = classify.judge(
        replaced("TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", "Port"),
        deployed,
        new,
    )
    assert verdict.kind == classify.INTERRUPTING and verdict.gate == classify.ALLOW_OUTAGE
    assert "503" in verdict.effect and "health checks" in verdict.effect
    assert not verdict.allowed() and verdict.allowed(allow_outage=True)
    assert not verdict.allowed(allow_data_loss=True)


def test_a_replaced_vpc_is_refused_and_no_flag_lets_it_through(
    deployed: dict[str, Any],
) -> None:
    new = prod(vpc_cidr="10.31.0.0/16")
    verdict = classify.judge(replaced("VPC", "AWS::EC2::VPC", "CidrBlock"), deployed, new)
    assert verdict.kind == classify.REFUSED and verdict.gate is None
    assert not verdict.allowed(allow_data_loss=True, allow_outage=True)
    assert "new environment" in verdict.safe_path


@pytest.mark.parametrize(
    ("logical_id", "resource_type", "prop"),
    [
        ("CustomerGateway", "AWS::EC2::CustomerGateway", "IpAddress"),
        ("CustomerGateway", "AWS::EC2::CustomerGateway", "BgpAsn"),
        ("VpnConnection", "AWS::EC2::VPNConnection", "StaticRoutesOnly"),
        ("VpnGateway", "AWS::EC2::VPNGateway", "AmazonSideAsn"),
    ],
)
def test_vpn_changes_that_replace_a_part_are_an_on_premise_outage(
    deployed: dict[str, Any], logical_id: str, resource_type: str, prop: str
) -> None:
    verdict = classify.judge(replaced(logical_id, resource_type, prop), deployed, deployed)
    assert verdict.kind == classify.INTERRUPTING and verdict.gate == classify.ALLOW_OUTAGE
    assert "on-premise traffic stops" in verdict.effect


def test_a_new_alarm_address_gets_nothing_until_it_confirms(deployed: dict[str, Any]) -> None:
    before = prod(alarm_email="ops@example.com")
    after = prod(alarm_email="oncall@example.com")
    change = replaced("AlarmEmailSubscription", "AWS::SNS::Subscription", "Endpoint")
    verdict = classify.judge(change, before, after)
    assert verdict.kind == classify.REPLACING and not verdict.blocks
    assert "until it confirms" in verdict.effect


def test_a_first_alarm_address_gets_nothing_until_it_confirms(deployed: dict[str, Any]) -> None:
    after = prod(alarm_email="ops@example.com")
    assert "AlarmEmailSubscription" in after["Resources"]
    change = Change("Add", "AlarmEmailSubscription", "AWS::SNS::Subscription")
    verdict = classify.judge(change, deployed, after)
    assert "until it confirms" in verdict.effect and not verdict.blocks


def test_removing_the_certificate_refuses_https_clients_unless_allowed() -> None:
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
    before, after = prod(certificate_arn=cert), prod()
    assert "HttpsListener" in before["Resources"] and "HttpsListener" not in after["Resources"]
    change = Change("Remove", "HttpsListener", "AWS::ElasticLoadBalancingV2::Listener")
    verdict = classify.judge(change, before, after)
    assert verdict.kind == classify.INTERRUPTING and verdict.gate == classify.ALLOW_OUTAGE
    assert "https://" in verdict.effect


def test_lowering_log_retention_names_the_events_it_deletes() -> None:
    before, after = prod(log_retention_days=90), prod(log_retention_days=30)
    change = Change("Modify", "AppLogGroup", "AWS::Logs::LogGroup")
    verdict = classify.judge(change, before, after)
    assert verdict.effect == "events older than 30 days are deleted (kept 90 days until now)"
    assert not verdict.blocks
    raised = classify.judge(change, after, before)
    assert raised.effect == "" and not raised.notable


def test_dropping_the_last_reader_names_the_lost_failover_target(
    deployed: dict[str, Any],
) -> None:
    after = prod(database={"readers": 0})
    change = Change("Remove", "DatabaseReaderInstance1", "AWS::RDS::DBInstance")
    verdict = classify.judge(change, deployed, after)
    assert "no failover target" in verdict.effect and not verdict.blocks
    # Removed with its cluster (a phase rollback), nothing is left degraded to warn about.
    lower = synth({"environments": {"prod": {"vpn": VPN}}}, env="prod", phase=1)
    assert classify.judge(change, deployed, lower).effect == ""


def test_removing_a_table_that_keeps_its_data_is_in_place_and_says_so(
    deployed: dict[str, Any],
) -> None:
    after = json.loads(json.dumps(deployed))
    del after["Resources"]["Table"]
    verdict = classify.judge(Change("Remove", "Table", "AWS::DynamoDB::Table"), deployed, after)
    assert verdict.kind == classify.IN_PLACE and "kept in the account" in verdict.effect


def test_a_plain_update_is_in_place_and_not_worth_naming(deployed: dict[str, Any]) -> None:
    verdict = classify.judge(Change("Modify", "Service", "AWS::ECS::Service"), deployed, deployed)
    assert verdict.kind == classify.IN_PLACE and not verdict.notable and not verdict.blocks


def test_every_kind_in_the_table_is_a_known_kind_and_cites_its_source() -> None:
    table = classify.knowledge()
    assert set(table["kinds"]) == set(classify.KINDS)
    for section in ("add", "replace", "remove", "modify"):
        for resource_type, entry in table[section].items():
            assert entry.get("kind", classify.IN_PLACE) in classify.KINDS, resource_type
            assert "https://docs.aws.amazon.com/" in entry["source"], resource_type


def test_removing_a_deletion_protected_database_says_protection_is_lifted_first(
    deployed: dict[str, Any],
) -> None:
    """CloudFormation cannot delete a protected cluster (in an update's cleanup it leaves it
    behind); the deploy runs an update that lifts the protection first, and the plan says so."""
    after = prod(features={"database": False})
    change = Change("Remove", "DatabaseCluster", "AWS::RDS::DBCluster")
    verdict = classify.judge(change, deployed, after)
    assert not verdict.blocks and "turns it off" in verdict.effect
    unprotected = prod(deletion_protection=False)
    verdict = classify.judge(change, unprotected, after)
    assert not verdict.blocks and "final snapshot" in verdict.effect


def test_switching_egress_says_where_the_tasks_go_and_blocks_nothing(
    deployed: dict[str, Any],
) -> None:
    """nat_gateway -> public removes the last NAT gateway: in place, named for what it is;
    and back, adding the first one is named the same way."""
    public = prod(egress="public")
    gone = Change("Remove", "NatGateway1", "AWS::EC2::NatGateway")
    verdict = classify.judge(gone, deployed, public)
    assert verdict.kind == classify.IN_PLACE and not verdict.blocks
    assert "`egress: public`" in verdict.effect and "public subnets" in verdict.effect
    back = classify.judge(Change("Add", "NatGateway1", "AWS::EC2::NatGateway"), public, deployed)
    assert back.kind == classify.IN_PLACE and "`egress: nat_gateway`" in back.effect


def test_one_nat_gateway_fewer_is_not_called_an_egress_switch(deployed: dict[str, Any]) -> None:
    one = prod(nat_gateways=1)
    gone = Change("Remove", "NatGateway2", "AWS::EC2::NatGateway")
    assert classify.judge(gone, deployed, one).effect == ""
    added = Change("Add", "NatGateway2", "AWS::EC2::NatGateway")
    assert classify.judge(added, one, deployed).effect == ""
