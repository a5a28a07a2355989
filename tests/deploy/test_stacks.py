"""Deploying on the emulator: create, no-op, update, phases, protection, failures, destroy."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appstack import phases
from appstack.deploy import stacks
from appstack.deploy.session import Connection
from conftest import synth
from deploy.deploying import BROKEN, RETAINED_TABLE, deploy, on_emulator


def put_item(conn: Connection, table: str, key: str) -> None:
    conn.client("dynamodb").put_item(TableName=table, Item={"pk": {"S": key}, "sk": {"S": "x"}})


def item_count(conn: Connection, table: str) -> int:
    return int(conn.client("dynamodb").scan(TableName=table)["Count"])


def buildable_phases() -> list[int]:
    return list(phases.PHASES)


def test_phase_1_is_created_then_a_second_deploy_changes_nothing(conn: Connection) -> None:
    template = synth()
    created = deploy(conn, "create-noop", template)
    assert created.ok and created.status == "CREATE_COMPLETE"
    assert created.outputs["TableName"]
    assert deploy(conn, "create-noop", template).status == "NO_CHANGES"


def test_alarms_exist_in_cloudwatch_after_a_deploy(conn: Connection) -> None:
    deploy(conn, "alarms", synth())
    names = [a["AlarmName"] for a in conn.client("cloudwatch").describe_alarms()["MetricAlarms"]]
    assert any("Throttle" in n or "alarms" in n for n in names)
    assert len(names) >= 6


def test_update_adds_a_resource_and_keeps_the_items(conn: Connection) -> None:
    template = synth()
    table = deploy(conn, "update", template).outputs["TableName"]
    put_item(conn, table, "before")
    updated = copy.deepcopy(template)
    updated["Resources"]["ExtraTopic"] = {"Type": "AWS::SNS::Topic"}
    outcome = deploy(conn, "update", updated)
    assert outcome.ok, outcome
    assert [c.kind for c in outcome.change_set.changes if c.logical_id == "ExtraTopic"] == ["add"]
    assert item_count(conn, table) == 1


def test_every_buildable_phase_up_and_back_to_phase_1_keeps_the_items(conn: Connection) -> None:
    vpn = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    table = deploy(conn, "phases", synth(vpn, phase=1)).outputs["TableName"]
    put_item(conn, table, "phase1")
    for phase in [*buildable_phases()[1:], 1]:
        outcome = deploy(conn, "phases", synth(vpn, phase=phase))
        assert outcome.ok or outcome.status == "NO_CHANGES", (phase, outcome)
        assert item_count(conn, table) == 1


def test_removing_the_table_retain_is_refused(conn: Connection) -> None:
    template = synth()
    deploy(conn, "refused", template)
    risky = copy.deepcopy(template)
    risky["Resources"]["Table"]["DeletionPolicy"] = "Delete"
    risky["Resources"]["Table"]["UpdateReplacePolicy"] = "Delete"
    with pytest.raises(stacks.DeployError, match=r"Table .* would lose its DeletionPolicy Retain"):
        deploy(conn, "refused", risky)
    assert stacks.describe(conn.client("cloudformation"), "refused")["StackStatus"] == (
        "CREATE_COMPLETE"
    )


def test_removing_an_unretained_table_is_refused_unless_data_loss_is_allowed(
    conn: Connection,
) -> None:
    table = {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        },
    }
    deploy(conn, "unretained", {"Resources": {"Data": table, "T": {"Type": "AWS::SNS::Topic"}}})
    without = {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    with pytest.raises(stacks.DeployError, match=r"Data .* would be deleted"):
        deploy(conn, "unretained", without)
    assert deploy(conn, "unretained", without, allow_data_loss=True).ok


def test_a_removed_retained_resource_is_reported_as_kept(conn: Connection) -> None:
    template = synth()
    deploy(conn, "kept", template)
    smaller = copy.deepcopy(template)
    del smaller["Resources"]["AlarmTopic"]
    smaller["Resources"] = {
        k: v for k, v in smaller["Resources"].items() if "Alarm" not in k and k != "Table"
    }
    smaller["Outputs"] = {}
    change_set, risks = stacks.plan(conn, "kept", stacks.current(conn, "kept"), smaller)
    stacks.discard(conn, change_set)
    assert "Table (AWS::DynamoDB::Table)" in change_set.kept
    assert risks == []


def test_a_failed_deploy_names_its_root_cause(conn: Connection) -> None:
    broken = BROKEN
    outcome = deploy(conn, "broken", broken)
    assert not outcome.ok
    assert outcome.failure is not None and outcome.failure.reason


def test_destroy_lists_the_retained_resources(conn: Connection) -> None:
    deploy(conn, "destroyed", RETAINED_TABLE)
    outcome = stacks.destroy(conn, "destroyed")
    assert outcome.status == "DELETE_COMPLETE"
    assert outcome.retained == ["Data (AWS::DynamoDB::Table)"]


@pytest.mark.parametrize("status", ["UPDATE_IN_PROGRESS", "CREATE_IN_PROGRESS"])
def test_a_second_deploy_is_refused_while_one_runs(status: str) -> None:
    with pytest.raises(stacks.DeployError, match="another deploy is running"):
        stacks.check_deployable({"StackName": "s", "StackStatus": status})


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        ("ROLLBACK_COMPLETE", "appstack recover s"),
        ("UPDATE_ROLLBACK_FAILED", "appstack recover s"),
        ("DELETE_FAILED", "appstack destroy s"),
    ],
)
def test_a_stuck_stack_gets_the_way_forward(status: str, advice: str) -> None:
    with pytest.raises(stacks.DeployError, match=advice) as refused:
        stacks.check_deployable({"StackName": "s", "StackStatus": status})
    assert "aws cloudformation" not in str(refused.value)  # appstack's own command, not AWS's


def test_a_template_over_51200_bytes_goes_through_an_encrypted_bucket(conn: Connection) -> None:
    template = {
        "Metadata": {"Padding": "x" * 52_000},
        "Resources": {"T": {"Type": "AWS::SNS::Topic"}},
    }
    assert deploy(conn, "large", template).ok
    buckets = [b["Name"] for b in conn.client("s3").list_buckets()["Buckets"]]
    bucket = next(b for b in buckets if b.startswith("appstack-templates-"))
    encryption = conn.client("s3").get_bucket_encryption(Bucket=bucket)
    assert encryption["ServerSideEncryptionConfiguration"]["Rules"]


def test_a_production_deploy_succeeds_where_termination_protection_cannot_be_set(
    conn: Connection,
) -> None:
    template = {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    change_set, _ = stacks.plan(conn, "prod-like", None, template)
    outcome = stacks.apply(conn, change_set, template, production=True)
    assert outcome.ok
    assert all("termination protection" in w for w in outcome.warnings)


def test_the_stack_policy_denies_replace_and_delete_of_the_table() -> None:
    import json

    from appstack.deploy.protection import stack_policy

    statements = json.loads(stack_policy(synth()))["Statement"]
    deny = next(s for s in statements if s["Effect"] == "Deny")
    assert set(deny["Action"]) == {"Update:Replace", "Update:Delete"}
    assert "LogicalResourceId/Table" in deny["Resource"]


def test_of_two_deploys_planned_together_the_second_is_refused_clearly(conn: Connection) -> None:
    base = synth()
    deploy(conn, "race", base)
    first, second = copy.deepcopy(base), copy.deepcopy(base)
    first["Resources"]["FirstTopic"] = {"Type": "AWS::SNS::Topic"}
    second["Resources"]["SecondTopic"] = {"Type": "AWS::SNS::Topic"}
    planned_first, _ = stacks.plan(conn, "race", stacks.current(conn, "race"), first)
    planned_second, _ = stacks.plan(conn, "race", stacks.current(conn, "race"), second)
    assert stacks.apply(conn, planned_first, first, production=False).ok
    with pytest.raises(stacks.DeployError, match="another deploy changed stack race"):
        stacks.apply(conn, planned_second, second, production=False)
    resources = conn.client("cloudformation").describe_stack_resources(StackName="race")
    names = {r["LogicalResourceId"] for r in resources["StackResources"]}
    assert "FirstTopic" in names and "SecondTopic" not in names


def test_a_deploy_that_finds_the_stack_busy_when_it_executes_leaves_it_alone() -> None:
    class Busy:
        def describe_stacks(self, StackName: str) -> dict[str, Any]:
            return {"Stacks": [{"StackName": StackName, "StackStatus": "UPDATE_IN_PROGRESS"}]}

        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"{name} must not be called on a busy stack")

    class BusyConnection:
        def client(self, service: str) -> Busy:
            return Busy()

    change_set = stacks.changesets.ChangeSet("s", "cs", False)
    with pytest.raises(stacks.DeployError, match="another deploy is running"):
        stacks.apply(BusyConnection(), change_set, {}, production=False)  # type: ignore[arg-type]


def physical_ids(conn: Connection, stack: str, type_name: str) -> list[str]:
    # Every page: DescribeStackResources answers the first 100 only, and phase 4 has more.
    pages = conn.client("cloudformation").get_paginator("list_stack_resources")
    return [
        r["PhysicalResourceId"]
        for page in pages.paginate(StackName=stack)
        for r in page["StackResourceSummaries"]
        if r["ResourceType"] == type_name
    ]


@pytest.fixture(scope="module")
def destroyed_phase_4(emulator_endpoint: str) -> tuple[Connection, stacks.Outcome, Any]:
    """Phase 4 of dev deployed, then destroyed, in a region of its own (one Config recorder
    per region); with the physical IDs of what its DeletionPolicy keeps."""
    conn = on_emulator(emulator_endpoint, "eu-west-2")
    vpn = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    deploy(conn, "destroyed-4", synth(vpn, phase=4))
    kept = {
        kind: physical_ids(conn, "destroyed-4", f"AWS::{kind}")
        for kind in (
            "DynamoDB::Table",
            "S3::Bucket",
            "KMS::Key",
            "Backup::BackupVault",
            "SecretsManager::Secret",
        )
    }
    return conn, stacks.destroy(conn, "destroyed-4"), kept


def test_destroying_phase_4_ends_in_delete_complete(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    """moto left route tables and gateways behind, so deleting the VPC failed with
    DependencyViolation and the stack was lost."""
    _, outcome, _ = destroyed_phase_4
    assert outcome.status == "DELETE_COMPLETE", outcome.failure


def test_destroying_phase_4_deletes_its_vpc(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, _ = destroyed_phase_4
    vpcs = conn.client("ec2").describe_vpcs()["Vpcs"]
    assert [v["VpcId"] for v in vpcs if not v["IsDefault"]] == []


def test_destroying_phase_4_keeps_the_table(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, kept = destroyed_phase_4
    assert conn.client("dynamodb").list_tables()["TableNames"] == kept["DynamoDB::Table"]


def test_destroying_phase_4_keeps_the_buckets(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, kept = destroyed_phase_4
    names = {b["Name"] for b in conn.client("s3").list_buckets()["Buckets"]}
    # The access log bucket (the Config and trail buckets are the account baseline's).
    assert len(kept["S3::Bucket"]) == 1 and set(kept["S3::Bucket"]) <= names


def test_destroying_phase_4_keeps_the_key(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, kept = destroyed_phase_4
    key = conn.client("kms").describe_key(KeyId=kept["KMS::Key"][0])["KeyMetadata"]
    assert key["KeyState"] == "Enabled"


def test_destroying_phase_4_keeps_the_backup_vault(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, kept = destroyed_phase_4
    vaults = conn.client("backup").list_backup_vaults()["BackupVaultList"]
    assert [v["BackupVaultName"] for v in vaults] == kept["Backup::BackupVault"]


def test_destroying_phase_4_keeps_the_secrets_and_their_values(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    conn, _, kept = destroyed_phase_4
    client = conn.client("secretsmanager")
    values = [
        client.get_secret_value(SecretId=arn)["SecretString"]
        for arn in kept["SecretsManager::Secret"]
    ]
    # AppSecret and CacheAuthSecret; the database's secret is RDS's, deleted with its cluster.
    assert len(values) == 2 and all(values)


def test_destroying_phase_4_lists_what_it_keeps(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    _, outcome, _ = destroyed_phase_4
    assert {
        "Table (AWS::DynamoDB::Table)",
        "EncryptionKey (AWS::KMS::Key)",
        "BackupVault (AWS::Backup::BackupVault)",
        "AppSecret (AWS::SecretsManager::Secret)",
        "CacheAuthSecret (AWS::SecretsManager::Secret)",
        "AccessLogBucket (AWS::S3::Bucket)",
    } <= set(outcome.retained)


def test_destroying_phase_4_says_the_database_and_cache_go_after_a_snapshot(
    destroyed_phase_4: tuple[Connection, stacks.Outcome, Any],
) -> None:
    _, outcome, _ = destroyed_phase_4
    snapshotted = {r for r in outcome.retained if r.endswith("deleted after a final snapshot")}
    assert snapshotted == {
        "DatabaseCluster (AWS::RDS::DBCluster): deleted after a final snapshot",
        "Cache (AWS::ElastiCache::ReplicationGroup): deleted after a final snapshot",
    }


@pytest.fixture
def calls(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CloudFormation operations the deploy engine calls, in order."""
    made: list[str] = []
    original = Connection.client

    def client(self: Connection, service: str) -> Any:
        made_client = original(self, service)
        made_client.meta.events.register(
            "before-call.cloudformation.*",
            lambda model, **_: made.append(model.name),
            unique_id="test-calls",
        )
        return made_client

    monkeypatch.setattr(Connection, "client", client)
    return made


def test_a_new_stack_gets_its_policy_once_created_without_asking_its_state_again(
    conn: Connection, calls: list[str]
) -> None:
    template = {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert deploy(conn, "policy-new", template).ok
    executed = calls.index("ExecuteChangeSet")
    assert calls[: executed + 1].count("DescribeStacks") == 1  # plan's, not apply's again
    assert calls.count("SetStackPolicy") == 1 and calls.index("SetStackPolicy") > executed
    policy = conn.client("cloudformation").get_stack_policy(StackName="policy-new")
    assert "StackPolicyBody" in policy


def test_an_update_sets_the_stack_policy_once_before_executing(
    conn: Connection, calls: list[str]
) -> None:
    template: dict[str, Any] = {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    deploy(conn, "policy-update", template)
    calls.clear()
    template["Resources"]["U"] = {"Type": "AWS::SNS::Topic"}
    assert deploy(conn, "policy-update", template).ok
    assert calls.count("SetStackPolicy") == 1
    assert calls.index("SetStackPolicy") < calls.index("ExecuteChangeSet")


def test_an_unchanged_stack_is_not_asked_for_its_template(
    conn: Connection, calls: list[str]
) -> None:
    template = {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    deploy(conn, "unchanged", template)
    calls.clear()
    assert deploy(conn, "unchanged", template).status == "NO_CHANGES"
    assert "GetTemplate" not in calls


def test_a_connection_makes_one_client_per_service() -> None:
    conn = Connection("us-east-1", endpoint="http://127.0.0.1:1")
    assert conn.client("cloudformation") is conn.client("cloudformation")
    assert conn.client("ec2") is not conn.client("cloudformation")
    assert conn == Connection("us-east-1", endpoint="http://127.0.0.1:1")  # clients not compared


DEPLOYED = {
    "Parameters": {"EnvironmentName": {"Type": "String", "Default": "dev"}},
    "Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}}},
}


def described(status: str = "UPDATE_COMPLETE", value: str = "dev", **more: Any) -> dict[str, Any]:
    return {
        "StackName": "s",
        "StackStatus": status,
        "Parameters": [{"ParameterKey": "EnvironmentName", "ParameterValue": value}],
        "Tags": [{"Key": "Environment", "Value": "dev"}],
        **more,
    }


def test_only_a_template_identical_to_the_deployed_one_skips_the_change_set() -> None:
    tags = {"Environment": "dev"}
    assert stacks.unchanged(described(), DEPLOYED, copy.deepcopy(DEPLOYED), tags)
    assert stacks.unchanged(described("CREATE_COMPLETE"), DEPLOYED, DEPLOYED, None)
    changed = copy.deepcopy(DEPLOYED)
    changed["Resources"]["Table"]["Properties"]["TableClass"] = "STANDARD"
    assert not stacks.unchanged(described(), DEPLOYED, changed, tags)


def test_what_a_change_set_would_resolve_anew_keeps_the_change_set() -> None:
    tags = {"Environment": "dev"}
    assert not stacks.unchanged(described(), DEPLOYED, DEPLOYED, {"Environment": "prod"})
    assert not stacks.unchanged(described(value="prod"), DEPLOYED, DEPLOYED, tags)
    for status in ("UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS", "REVIEW_IN_PROGRESS"):
        assert not stacks.unchanged(described(status), DEPLOYED, DEPLOYED, tags)
    ssm = copy.deepcopy(DEPLOYED)
    ssm["Parameters"]["EnvironmentName"]["Type"] = "AWS::SSM::Parameter::Value<String>"
    assert not stacks.unchanged(described(), ssm, ssm, tags)
    secret = copy.deepcopy(DEPLOYED)
    secret["Parameters"]["EnvironmentName"]["NoEcho"] = True
    assert not stacks.unchanged(described(), secret, secret, tags)
    macro = {**DEPLOYED, "Transform": "AWS::Serverless-2016-10-31"}
    assert not stacks.unchanged(described(), macro, macro, tags)
    assert not stacks.unchanged(None, DEPLOYED, DEPLOYED, tags)
