"""Database: Aurora PostgreSQL Serverless v2, private, encrypted, credentials in Secrets Manager,
and never lost: removing or replacing it leaves a snapshot."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from appstack import config, data
from appstack.blueprint import database
from appstack.checks.lint import run_cfn_lint
from appstack.errors import ConfigError
from conftest import Template, of_type, props, refs, synth

Build = Callable[..., Template]


@pytest.fixture(scope="module")
def dev2(build_template: Build) -> Template:
    return build_template("dev", 2)


@pytest.fixture(scope="module")
def prod2(build_template: Build) -> Template:
    return build_template("prod", 2)


def container(template: Template) -> dict[str, Any]:
    definition: dict[str, Any] = props(template, "TaskDefinition")["ContainerDefinitions"][0]
    return definition


def test_the_database_is_serverless_v2_not_v1(dev2: Template) -> None:
    cluster = props(dev2, "DatabaseCluster")
    assert cluster["Engine"] == "aurora-postgresql"
    # EngineMode serverless is Aurora Serverless v1; v2 is the (default) provisioned mode.
    assert cluster.get("EngineMode", "provisioned") == "provisioned"
    assert "ScalingConfiguration" not in cluster
    assert int(cluster["EngineVersion"].split(".")[0]) >= 16
    for instance in of_type(dev2, "AWS::RDS::DBInstance").values():
        assert instance["Properties"]["DBInstanceClass"] == "db.serverless"
        assert instance["Properties"]["Engine"] == "aurora-postgresql"


def test_capacity_comes_from_the_environment(dev2: Template, prod2: Template) -> None:
    scaling = props(dev2, "DatabaseCluster")["ServerlessV2ScalingConfiguration"]
    assert (scaling["MinCapacity"], scaling["MaxCapacity"]) == (0.5, 2)
    scaling = props(prod2, "DatabaseCluster")["ServerlessV2ScalingConfiguration"]
    assert (scaling["MinCapacity"], scaling["MaxCapacity"]) == (0.5, 8)


def test_prod_has_a_writer_and_one_reader_and_dev_only_a_writer(
    dev2: Template, prod2: Template
) -> None:
    assert set(of_type(dev2, "AWS::RDS::DBInstance")) == {"DatabaseWriterInstance"}
    instances = of_type(prod2, "AWS::RDS::DBInstance")
    assert set(instances) == {"DatabaseWriterInstance", "DatabaseReaderInstance1"}
    for instance in instances.values():
        assert instance["Properties"]["DBClusterIdentifier"] == {"Ref": "DatabaseCluster"}
        assert instance["Properties"]["PubliclyAccessible"] is False


def test_the_database_keeps_a_snapshot_when_removed_or_replaced(dev2: Template) -> None:
    cluster = dev2["Resources"]["DatabaseCluster"]
    assert cluster["DeletionPolicy"] == "Snapshot"
    assert cluster["UpdateReplacePolicy"] == "Snapshot"


def test_instances_of_the_cluster_do_not_claim_snapshots(prod2: Template) -> None:
    # The cluster volume holds the data; a Snapshot policy on a cluster member is not valid.
    for instance in of_type(prod2, "AWS::RDS::DBInstance").values():
        assert instance.get("DeletionPolicy", "Delete") != "Snapshot"
        assert instance.get("UpdateReplacePolicy", "Delete") != "Snapshot"


def test_the_database_is_encrypted_with_the_environments_key(dev2: Template) -> None:
    cluster = props(dev2, "DatabaseCluster")
    assert cluster["StorageEncrypted"] is True
    assert refs(cluster["KmsKeyId"]) == {"EncryptionKey"}
    assert refs(cluster["MasterUserSecret"]["KmsKeyId"]) == {"EncryptionKey"}


def test_backups_logs_and_deletion_protection(dev2: Template, prod2: Template) -> None:
    cluster = props(dev2, "DatabaseCluster")
    assert cluster["BackupRetentionPeriod"] == 14
    assert cluster["EnableCloudwatchLogsExports"] == ["postgresql"]
    assert cluster["DeletionProtection"] is False
    assert props(prod2, "DatabaseCluster")["DeletionProtection"] is True


def test_rds_generates_stores_and_rotates_the_master_password(dev2: Template) -> None:
    # Aurora manages the password in Secrets Manager and rotates it every seven days
    # (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html);
    # ManageMasterUserPassword cannot go with MasterUserPassword (AWS::RDS::DBCluster).
    assert not any("Password" in p or "Database" in p for p in dev2["Parameters"])
    cluster = props(dev2, "DatabaseCluster")
    assert cluster["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in cluster
    assert cluster["MasterUsername"] == database.MASTER_USERNAME
    assert not of_type(dev2, "AWS::SecretsManager::SecretTargetAttachment")
    assert "DatabaseSecret" not in dev2["Resources"]


def test_the_master_user_name_is_not_reserved_by_rds_or_postgresql(dev2: Template) -> None:
    # RDS CreateDBCluster MasterUsername: 1 to 16 letters or numbers, a letter first, not a
    # word the engine reserves (data/aurora.json names the sources).
    # https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
    reserved = data.load("aurora")["master_username"]
    name = props(dev2, "DatabaseCluster")["MasterUsername"]
    assert name.lower() not in reserved["reserved"]
    assert not name.lower().startswith(reserved["reserved_prefix"])
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,15}", name)


def test_the_database_lives_in_the_private_subnets(dev2: Template) -> None:
    subnets = props(dev2, "DatabaseSubnetGroup")["SubnetIds"]
    assert refs(subnets) == {"PrivateSubnet1", "PrivateSubnet2"}
    assert props(dev2, "DatabaseCluster")["DBSubnetGroupName"] == {"Ref": "DatabaseSubnetGroup"}


def test_only_the_tasks_reach_the_database_on_5432(dev2: Template) -> None:
    group = props(dev2, "DatabaseSecurityGroup")
    [rule] = group["SecurityGroupIngress"]
    assert (rule["FromPort"], rule["ToPort"]) == (5432, 5432)
    assert rule["SourceSecurityGroupId"] == {"Ref": "TaskSecurityGroup"}
    assert "CidrIp" not in rule
    assert props(dev2, "DatabaseCluster")["VpcSecurityGroupIds"] == [
        {"Ref": "DatabaseSecurityGroup"}
    ]
    egress = [
        e["Properties"]
        for e in of_type(dev2, "AWS::EC2::SecurityGroupEgress").values()
        if e["Properties"]["GroupId"] == {"Ref": "TaskSecurityGroup"}
    ]
    assert any(
        e["DestinationSecurityGroupId"] == {"Ref": "DatabaseSecurityGroup"}
        and e["FromPort"] == 5432
        for e in egress
    )


def test_the_task_gets_the_endpoint_as_environment_and_credentials_as_secrets(
    dev2: Template,
) -> None:
    environment = {e["Name"]: e["Value"] for e in container(dev2)["Environment"]}
    assert environment["DATABASE_HOST"] == {"Fn::GetAtt": ["DatabaseCluster", "Endpoint.Address"]}
    assert environment["DATABASE_PORT"] == "5432"
    assert environment["DATABASE_NAME"] == "app"
    secrets = {s["Name"]: s["ValueFrom"] for s in container(dev2)["Secrets"]}
    managed = {"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}
    assert secrets["DATABASE_PASSWORD"] == {"Fn::Join": ["", [managed, ":password::"]]}
    assert secrets["DATABASE_USERNAME"] == {"Fn::Join": ["", [managed, ":username::"]]}
    assert environment["DATABASE_SECRET_ARN"] == managed
    assert not any("password" in str(v).lower() for v in environment.values())


def test_the_execution_role_may_read_and_decrypt_the_secret(dev2: Template) -> None:
    [policy] = props(dev2, "TaskExecutionRole")["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    read = statements["ReadTheDatabaseSecret"]
    assert read["Action"] == ["secretsmanager:GetSecretValue"]
    assert read["Resource"] == [{"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}]
    decrypt = statements["DecryptTheDatabaseSecret"]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert refs(decrypt["Resource"]) == {"EncryptionKey"}


def test_running_tasks_may_reread_the_rotated_secret_and_nothing_else(dev2: Template) -> None:
    # ECS injects DATABASE_PASSWORD at task start and never refreshes it; after RDS rotates
    # the secret, the application reads it again with its task role: GetSecretValue on
    # exactly this secret, kms:Decrypt on the environment's key through Secrets Manager only.
    # The application's own policy (ECS Exec's: blueprint/test_shell.py).
    [policy] = [p for p in props(dev2, "TaskRole")["Policies"] if p["PolicyName"] == "application"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    reread = statements["RereadTheDatabaseSecret"]
    assert reread["Effect"] == "Allow"
    assert reread["Action"] == ["secretsmanager:GetSecretValue"]
    assert reread["Resource"] == [{"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}]
    decrypt = statements["DecryptTheDatabaseSecret"]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert refs(decrypt["Resource"]) == {"EncryptionKey"}
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"
    }
    # Nothing else about secrets: no wildcard, no PutSecretValue.
    actions = [a for s in statements.values() for a in s["Action"]]
    assert [a for a in actions if a.startswith("secretsmanager:")] == [
        "secretsmanager:GetSecretValue"
    ]


def test_the_service_does_not_wait_for_the_database_instances(prod2: Template) -> None:
    service = prod2["Resources"]["Service"]
    # The listener, and the routes its tasks pull their image by (prod: through NAT).
    assert service["DependsOn"] == ["HttpListener", "PrivateDefaultRoute1", "PrivateDefaultRoute2"]
    slow = set(of_type(prod2, "AWS::RDS::DBInstance"))
    assert not refs(props(prod2, "TaskDefinition")) & slow
    assert not refs(service) & slow


def test_outputs_name_the_endpoint_and_the_secret(dev2: Template) -> None:
    outputs = dev2["Outputs"]
    assert refs(outputs["DatabaseEndpoint"]["Value"]) == {"DatabaseCluster"}
    assert outputs["DatabaseSecretArn"]["Value"] == {
        "Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]
    }


def test_adding_the_database_leaves_phase_1_logical_ids_alone(
    dev: Template, dev2: Template
) -> None:
    phase1 = dev["Resources"]
    phase2 = dev2["Resources"]
    assert set(phase1) <= set(phase2)
    for logical_id, resource in phase1.items():
        assert phase2[logical_id]["Type"] == resource["Type"], logical_id


def test_switching_the_database_off_removes_it() -> None:
    template = synth({"environments": {"dev": {"features": {"database": False}}}}, phase=2)
    assert not of_type(template, "AWS::RDS::DBCluster")
    assert "Secrets" not in container(template)


def test_the_database_alone_on_phase_1_is_cfn_lint_clean() -> None:
    template = synth({"environments": {"prod": {"features": {"database": True}}}}, env="prod")
    assert run_cfn_lint(template, ["us-east-1"]) == []


def test_the_database_starts_no_connections_of_its_own(dev2: Template) -> None:
    [egress] = props(dev2, "DatabaseSecurityGroup")["SecurityGroupEgress"]
    # Without an egress rule a security group allows all outbound traffic.
    assert egress["CidrIp"] == "255.255.255.255/32"


def test_zero_capacity_pauses_idle_instances_after_the_configured_time() -> None:
    # Aurora Serverless v2 auto-pause: MinCapacity 0 with SecondsUntilAutoPause (300-86,400)
    # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
    paused = {"min_capacity": 0, "max_capacity": 4, "seconds_until_auto_pause": 900}
    template = synth({"environments": {"dev": {"database": paused}}}, phase=2)
    scaling = props(template, "DatabaseCluster")["ServerlessV2ScalingConfiguration"]
    assert scaling == {"MinCapacity": 0, "MaxCapacity": 4, "SecondsUntilAutoPause": 900}
    assert run_cfn_lint(template, ["us-east-1"]) == []


def test_without_auto_pause_no_pause_delay_is_sent(dev2: Template) -> None:
    scaling = props(dev2, "DatabaseCluster")["ServerlessV2ScalingConfiguration"]
    assert "SecondsUntilAutoPause" not in scaling


def test_up_to_256_acu_synthesizes_on_the_engine_appstack_deploys() -> None:
    # 256 ACU on recent Aurora versions, 128 on older ones (RDS API
    # ServerlessV2ScalingConfiguration).
    template = synth({"environments": {"prod": {"database": {"max_capacity": 256}}}}, "prod", 2)
    scaling = props(template, "DatabaseCluster")["ServerlessV2ScalingConfiguration"]
    assert scaling["MaxCapacity"] == 256


@pytest.mark.parametrize(
    ("capacity", "field"),
    [
        ({"max_capacity": 256.5}, "max_capacity"),
        ({"max_capacity": 0.5}, "max_capacity"),
        ({"min_capacity": -1}, "min_capacity"),
        ({"seconds_until_auto_pause": 60}, "seconds_until_auto_pause"),
    ],
)
def test_capacity_aurora_refuses_is_a_config_error_naming_the_field(
    capacity: dict[str, float], field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        config.parse({"environments": {"dev": {"database": capacity}}})
    [(where, _)] = caught.value.problems
    assert where == f"environments.dev.database.{field}"


def test_older_engines_refuse_auto_pause_and_more_than_128_acu() -> None:
    settings = config.DatabaseSettings(min_capacity=0, max_capacity=200)
    problems = dict(config.aurora_capacity_problems(settings, "16.2"))
    assert set(problems) == {"min_capacity", "max_capacity"}
    assert "16.2" in problems["min_capacity"] and "128" in problems["max_capacity"]
    assert config.aurora_capacity_problems(settings, "16.8") == []


def test_the_postgresql_log_group_is_ours_and_created_before_the_cluster(dev2: Template) -> None:
    # With EnableCloudwatchLogsExports RDS would create /aws/rds/cluster/<id>/postgresql
    # itself, with no expiry and no KMS key; ours exists first under that exact name.
    group = props(dev2, "DatabaseLogGroup")
    cluster = dev2["Resources"]["DatabaseCluster"]
    identifier = cluster["Properties"]["DBClusterIdentifier"]
    assert group["LogGroupName"] == {
        "Fn::Join": ["", ["/aws/rds/cluster/", identifier, "/postgresql"]]
    }
    assert group["RetentionInDays"] == 14
    assert refs(group["KmsKeyId"]) == {"EncryptionKey"}
    assert "DatabaseLogGroup" in cluster["DependsOn"]
    assert cluster["Properties"]["EnableCloudwatchLogsExports"] == ["postgresql"]


def test_the_cluster_name_fits_rds_and_changes_with_any_replacing_property() -> None:
    # "You can't perform an update that causes a custom-named resource to be replaced. If you
    # must replace the resource, specify a new name."
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html)
    stack_a = synth({}, phase=2)
    separator, parts = props(stack_a, "DatabaseCluster")["DBClusterIdentifier"]["Fn::Join"]
    values = {"ApplicationName": "a" * 24, "EnvironmentSuffix": "b" * 20}
    longest = separator.join(p if isinstance(p, str) else values[p["Ref"]] for p in parts)
    # DBClusterIdentifier: 1 to 63 letters, digits or hyphens, starting with a letter.
    assert re.fullmatch(r"[a-z](?:-?[a-z0-9]){0,62}", longest), longest
    digest = parts[-1]

    # A createOnly property of the cluster changes: its name must change with it.
    original = database.DATABASE_NAME
    try:
        database.DATABASE_NAME = "other"
        renamed = synth({}, phase=2)
    finally:
        database.DATABASE_NAME = original
    assert props(renamed, "DatabaseCluster")["DBClusterIdentifier"]["Fn::Join"][1][-1] != digest
    # An update that does not replace it keeps the name.
    bigger = synth({"environments": {"dev": {"database": {"max_capacity": 16}}}}, phase=2)
    assert props(bigger, "DatabaseCluster")["DBClusterIdentifier"]["Fn::Join"][1][-1] == digest


def test_a_database_from_before_keeps_its_generated_name_and_rds_log_group() -> None:
    # Naming an existing cluster would replace it (DBClusterIdentifier is createOnly).
    kept = {"environments": {"dev": {"database": {"own_log_group": False}}}}
    template = synth(kept, phase=2)
    assert "DBClusterIdentifier" not in props(template, "DatabaseCluster")
    assert "DatabaseLogGroup" not in template["Resources"]


def test_the_stack_policy_still_guards_the_named_cluster(dev2: Template) -> None:
    # The cluster's own DBClusterIdentifier must not make it look like a cluster member.
    from appstack.deploy.protection import stack_policy

    policy = json.loads(stack_policy(dev2))
    [deny] = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert "LogicalResourceId/DatabaseCluster" in deny["Resource"]
    assert "LogicalResourceId/DatabaseWriterInstance" not in deny["Resource"]
