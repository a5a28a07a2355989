"""A stack at phase 4 from before RDS-managed passwords moves to them and keeps its database.

`fixtures/phase4_hosted_rotation.json` is the phase-4 template of dev as appstack wrote it
with the hosted rotation function (the `AWS::SecretsManager-2024-09-16` transform, a
generated `DatabaseSecret`, a `SecretTargetAttachment` and a `RotationSchedule`). Turning on
`ManageMasterUserPassword` on an existing cluster is an in-place modification: Aurora
generates a new password and keeps it in a new secret
(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html;
AWS::RDS::DBCluster ManageMasterUserPassword and MasterUserSecret "Update requires: No
interruption"). The cluster must not be replaced: none of its createOnly properties may
change (AWS::RDS::DBCluster resource schema).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from appstack.local import transforms
from conftest import synth

REGION = "ca-central-1"
STACK = "migrate-managed-password"
#: A database created before appstack owned its log group keeps its generated identifier
#: (`database.own_log_group: false`, as the README tells): naming it would replace it.
VPN = {
    "environments": {
        "dev": {
            "vpn": {"customer_gateway_ip": "203.0.113.10"},
            "database": {"own_log_group": False},
        }
    }
}
BEFORE = json.loads(
    (Path(__file__).parent / "fixtures" / "phase4_hosted_rotation.json").read_text()
)
ITEM = {"pk": {"S": "written-at-phase-4"}, "sk": {"S": "before-the-migration"}}


def deploy(conn: Connection, template: dict[str, Any]) -> stacks.Outcome:
    template, _ = transforms.for_emulator(template)
    change_set, _ = stacks.plan(conn, STACK, stacks.current(conn, STACK), template)
    return stacks.apply(conn, change_set, template, production=False)


def the_cluster(conn: Connection) -> dict[str, Any]:
    [cluster] = conn.client("rds").describe_db_clusters()["DBClusters"]
    return dict(cluster)


def the_vaults(conn: Connection) -> dict[str, dict[str, Any]]:
    vaults = conn.client("backup").list_backup_vaults()["BackupVaultList"]
    return {v["BackupVaultName"]: v for v in vaults}


@pytest.fixture(scope="module")
def migrated(emulator_endpoint: str) -> Iterator[dict[str, Any]]:
    conn = Connection(REGION, endpoint=emulator_endpoint)
    before = deploy(conn, BEFORE)
    assert before.ok, before.failure
    table = before.outputs["TableName"]
    conn.client("dynamodb").put_item(TableName=table, Item=ITEM)
    cluster_before = the_cluster(conn)
    vaults_before = the_vaults(conn)
    after = deploy(conn, synth(VPN, env="dev", phase=4))
    yield {
        "conn": conn,
        "before": before,
        "after": after,
        "cluster_before": cluster_before,
        "cluster_after": the_cluster(conn),
        "vaults_before": vaults_before,
        "vaults_after": the_vaults(conn),
        "table": table,
    }
    # The emulator is shared by the session: its multi-Region trail would show in every
    # Region's DescribeTrails.
    conn.client("cloudformation").delete_stack(StackName=STACK)


def test_the_template_change_touches_no_property_that_replaces_the_cluster() -> None:
    after = synth(VPN, env="dev", phase=4)
    old = BEFORE["Resources"]["DatabaseCluster"]["Properties"]
    new = after["Resources"]["DatabaseCluster"]["Properties"]
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::RDS::DBCluster")
    create_only = [p.split("/")[-1] for p in schema.schema["createOnlyProperties"]]
    changed = [p for p in create_only if old.get(p) != new.get(p)]
    assert changed == []


def test_forgetting_own_log_group_false_is_refused_by_the_stack_policy_not_a_replacement() -> None:
    # The default names the cluster (to own its log group first): on a cluster from before,
    # that is a replacement, which the stack policy of the stack as it is denies.
    from appstack.deploy.protection import stack_policy

    named = synth(
        {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}},
        env="dev",
        phase=4,
    )
    assert "DBClusterIdentifier" in named["Resources"]["DatabaseCluster"]["Properties"]
    assert "DBClusterIdentifier" not in BEFORE["Resources"]["DatabaseCluster"]["Properties"]
    [deny] = [s for s in json.loads(stack_policy(BEFORE))["Statement"] if s["Effect"] == "Deny"]
    assert "Update:Replace" in deny["Action"]
    assert "LogicalResourceId/DatabaseCluster" in deny["Resource"]


def test_the_update_succeeds(migrated: dict[str, Any]) -> None:
    assert migrated["after"].status == "UPDATE_COMPLETE", migrated["after"].failure


def test_the_cluster_is_the_same_cluster(migrated: dict[str, Any]) -> None:
    before, after = migrated["cluster_before"], migrated["cluster_after"]
    assert after["DBClusterIdentifier"] == before["DBClusterIdentifier"]
    assert after["DbClusterResourceId"] == before["DbClusterResourceId"]
    assert after["Endpoint"] == migrated["before"].outputs["DatabaseEndpoint"]


def test_rds_now_manages_the_password_with_the_environments_key(
    migrated: dict[str, Any],
) -> None:
    conn, cluster = migrated["conn"], migrated["cluster_after"]
    managed = cluster["MasterUserSecret"]
    assert managed["SecretArn"] == migrated["after"].outputs["DatabaseSecretArn"]
    value = conn.client("secretsmanager").get_secret_value(SecretId=managed["SecretArn"])
    assert json.loads(value["SecretString"])["username"] == "appadmin"
    keys = [k["KeyArn"] for k in conn.client("kms").list_keys()["Keys"]]
    assert managed["KmsKeyId"] in keys


def test_the_old_credentials_secret_is_kept_not_deleted(migrated: dict[str, Any]) -> None:
    # DatabaseSecret had DeletionPolicy Retain: leaving the template keeps it in the account.
    old_arn = migrated["before"].outputs["DatabaseSecretArn"]
    assert old_arn != migrated["after"].outputs["DatabaseSecretArn"]
    client = migrated["conn"].client("secretsmanager")
    assert client.describe_secret(SecretId=old_arn)["ARN"] == old_arn


def test_the_rotation_function_and_schedule_are_gone(migrated: dict[str, Any]) -> None:
    client = migrated["conn"].client("cloudformation")
    resources = client.describe_stack_resources(StackName=STACK)["StackResources"]
    logical_ids = {r["LogicalResourceId"] for r in resources}
    assert not logical_ids & {
        "DatabaseSecretRotation",
        "DatabaseSecretAttachment",
        "DatabaseRotationSecurityGroup",
        "DatabaseRotationLogGroup",
    }
    assert "DatabaseCluster" in logical_ids


def test_the_backup_vault_is_the_same_vault_under_its_old_name(
    migrated: dict[str, Any],
) -> None:
    # The old template named the vault `<app>-<env>-bkp`; the blueprint now names a new vault
    # per creation (rule AS007), and BackupVaultName is create-only (AWS::Backup::BackupVault
    # resource schema): a deployed vault keeps its name (blueprint.deployed_names), or
    # CloudFormation would replace it and the stack policy would roll the migration back.
    # A vault holds the recovery points: the same vault (ARN, creation date) keeps them.
    assert migrated["after"].ok, migrated["after"].failure
    name = migrated["before"].outputs["BackupVaultName"]
    assert name == "myapp-dev-bkp"
    assert migrated["after"].outputs["BackupVaultName"] == name
    before, after = migrated["vaults_before"], migrated["vaults_after"]
    assert after.keys() == before.keys()
    assert after[name]["BackupVaultArn"] == before[name]["BackupVaultArn"]
    assert after[name]["CreationDate"] == before[name]["CreationDate"]


def test_the_data_written_before_is_still_there(migrated: dict[str, Any]) -> None:
    client = migrated["conn"].client("dynamodb")
    item = client.get_item(TableName=migrated["table"], Key=ITEM)["Item"]
    assert item == ITEM


def test_a_rotation_of_the_new_secret_restarts_the_service(migrated: dict[str, Any]) -> None:
    # The rule watches the secret RDS now manages (not the old one) and starts the runbook.
    conn = migrated["conn"]
    cfn = conn.client("cloudformation")

    def physical(logical_id: str) -> str:
        described = cfn.describe_stack_resource(StackName=STACK, LogicalResourceId=logical_id)
        return str(described["StackResourceDetail"]["PhysicalResourceId"])

    events = conn.client("events")
    rule = events.describe_rule(Name=physical("DatabaseRotationRule"))
    pattern = json.loads(rule["EventPattern"])
    assert pattern["resources"] == [migrated["after"].outputs["DatabaseSecretArn"]]
    [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    runbook = physical("DatabaseRestartRunbook")
    assert target["Arn"].endswith(f":automation-definition/{runbook}:$DEFAULT")
    document = conn.client("ssm").get_document(Name=runbook)
    assert document["DocumentType"] == "Automation"
