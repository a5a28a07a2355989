"""The guard during a deploy: what would lose data, and the stack policy."""

from __future__ import annotations

import json

from appstack.deploy.changesets import Change
from appstack.deploy.protection import risks, stack_policy
from conftest import synth

VPN = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}


def protected(template: dict) -> set[str]:  # type: ignore[type-arg]
    statements = json.loads(stack_policy(template))["Statement"]
    deny = [s for s in statements if s["Effect"] == "Deny"]
    return {r.removeprefix("LogicalResourceId/") for s in deny for r in s["Resource"]}


def test_the_stack_policy_protects_what_holds_data_and_nothing_else() -> None:
    names = protected(synth(VPN, phase=3))
    assert {"Table", "EncryptionKey", "AccessLogBucket", "DatabaseCluster", "Cache"} <= names
    assert "DatabaseWriterInstance" not in names  # the cluster holds the data
    assert "Service" not in names and "VPC" not in names


def test_moving_down_a_phase_unprotects_only_what_it_removes() -> None:
    # apply() sets the lower phase's policy before executing: the database may then go
    # (leaving its snapshot) while the table stays protected.
    names = protected(synth(VPN, phase=1))
    assert "DatabaseCluster" not in names and "Table" in names


def test_removing_the_database_keeps_a_snapshot_and_is_no_risk() -> None:
    old, new = synth(VPN, phase=2), synth(VPN, phase=1)
    changes = [
        Change("Remove", "DatabaseCluster", "AWS::RDS::DBCluster"),
        Change("Remove", "DatabaseWriterInstance", "AWS::RDS::DBInstance"),
    ]
    assert risks(changes, old, new) == []


def test_removing_a_table_that_would_be_deleted_is_a_risk() -> None:
    old, new = synth(), synth()
    old["Resources"]["Table"]["DeletionPolicy"] = "Delete"
    del new["Resources"]["Table"]
    found = risks([Change("Remove", "Table", "AWS::DynamoDB::Table")], old, new)
    assert found == ["Table (AWS::DynamoDB::Table) would be deleted"]


def test_a_snapshot_policy_on_a_type_without_snapshots_does_not_count() -> None:
    old, new = synth(), synth()
    old["Resources"]["AccessLogBucket"]["DeletionPolicy"] = "Snapshot"
    del new["Resources"]["AccessLogBucket"]
    assert risks([Change("Remove", "AccessLogBucket", "AWS::S3::Bucket")], old, new)
