"""Secrets: the application secret reaches the task, database credentials rotate."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from appstack.blueprint import secrets
from appstack.checks.lint import run_cfn_lint
from conftest import Template, of_type, props, refs, synth
from database_standin import PHASE_4, PORT, features, with_database

ENVIRONMENTS = ["dev", "staging", "prod"]


@pytest.fixture(scope="module")
def plain() -> Template:
    """Secrets on, no database."""
    return synth(features(secrets=True))


@pytest.fixture(scope="module")
def rotated() -> Template:
    """Secrets on, with a (stand-in) database."""
    return with_database()


def _statements(template: Template, role: str) -> list[dict[str, Any]]:
    return [
        s
        for policy in props(template, role).get("Policies", [])
        for s in policy["PolicyDocument"]["Statement"]
    ]


def test_the_application_secret_is_encrypted_with_the_environments_key(plain: Template) -> None:
    secret = props(plain, "AppSecret")
    assert refs(secret["KmsKeyId"]) == {"EncryptionKey"}
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32


def test_the_application_secret_survives_deletion_and_replacement(plain: Template) -> None:
    resource = plain["Resources"]["AppSecret"]
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    # A retained secret with a fixed name would block the next stack's secret.
    assert "Name" not in resource["Properties"]


def test_the_container_gets_the_secret_as_an_ecs_secret(plain: Template) -> None:
    [container] = props(plain, "TaskDefinition")["ContainerDefinitions"]
    assert {"Name": "APP_SECRET", "ValueFrom": {"Ref": "AppSecret"}} in container["Secrets"]
    # Never as a plain environment variable.
    assert all(e["Name"] != "APP_SECRET" for e in container["Environment"])


def test_only_the_execution_role_may_read_the_secret(plain: Template) -> None:
    execution = _statements(plain, "TaskExecutionRole")
    read = [s for s in execution if "secretsmanager:GetSecretValue" in s["Action"]]
    assert [refs(s["Resource"]) for s in read] == [{"AppSecret"}]
    decrypt = [s for s in execution if "kms:Decrypt" in s["Action"]]
    assert decrypt and refs(decrypt[0]["Resource"]) == {"EncryptionKey"}
    task_actions = json.dumps(_statements(plain, "TaskRole"))
    assert "secretsmanager" not in task_actions
    assert "AppSecret" not in task_actions


def test_the_key_is_used_only_through_secrets_manager(plain: Template) -> None:
    [decrypt] = [s for s in _statements(plain, "TaskExecutionRole") if "kms:Decrypt" in s["Action"]]
    service = decrypt["Condition"]["StringEquals"]["kms:ViaService"]
    assert service == {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}


def test_without_a_database_nothing_rotates_and_no_transform_is_needed(plain: Template) -> None:
    assert of_type(plain, "AWS::SecretsManager::RotationSchedule") == {}
    assert "Transform" not in plain
    assert secrets.needs_auto_expand(plain) is False


def test_with_a_database_its_credentials_rotate_with_a_hosted_postgresql_function(
    rotated: Template,
) -> None:
    rotation = props(rotated, "DatabaseSecretRotation")
    assert refs(rotation["SecretId"]) == {"DatabaseSecret"}
    hosted = rotation["HostedRotationLambda"]
    assert hosted["RotationType"] == "PostgreSQLSingleUser"
    assert "RotationLambdaARN" not in rotation


def test_hosted_rotation_brings_the_transform_and_so_auto_expand(rotated: Template) -> None:
    # HostedRotationLambda only works through the AWS::SecretsManager transform, a macro:
    # CloudFormation then wants CAPABILITY_AUTO_EXPAND.
    assert rotated["Transform"] == "AWS::SecretsManager-2024-09-16"
    assert secrets.needs_auto_expand(rotated) is True


def test_the_transform_joins_a_transform_already_there() -> None:
    from appstack import config
    from appstack.blueprint.stack import Stack

    stack = Stack(config.resolve(config.parse({}), "dev", 1))
    stack.template.set_transform("AWS::LanguageExtensions")
    secrets._add_transform(stack, secrets.ROTATION_TRANSFORM)
    secrets._add_transform(stack, secrets.ROTATION_TRANSFORM)
    assert stack.template.transform == ["AWS::LanguageExtensions", secrets.ROTATION_TRANSFORM]


def test_rotation_waits_for_the_secret_to_know_its_database(rotated: Template) -> None:
    # The RotationSchedule reference: DependsOn the SecretTargetAttachment.
    depends = rotated["Resources"]["DatabaseSecretRotation"]["DependsOn"]
    assert "DatabaseSecretAttachment" in depends
    assert "DatabaseRotationLogGroup" in depends


def test_rotation_uses_a_schedule_expression_not_also_automatically_after_days(
    rotated: Template,
) -> None:
    rules = props(rotated, "DatabaseSecretRotation")["RotationRules"]
    # Secrets Manager takes AutomaticallyAfterDays or ScheduleExpression, never both.
    assert "AutomaticallyAfterDays" not in rules
    days = re.fullmatch(r"rate\((\d+) days\)", rules["ScheduleExpression"])
    assert days and int(days.group(1)) == 30


def test_the_rotation_window_stays_within_the_utc_day(rotated: Template) -> None:
    # A rate in days opens the window at midnight UTC; it may not reach the next day.
    duration = props(rotated, "DatabaseSecretRotation")["RotationRules"]["Duration"]
    hours = int(duration.removesuffix("h"))
    assert 1 <= hours < 24


def test_a_deploy_does_not_rotate_the_password_under_running_tasks(rotated: Template) -> None:
    assert props(rotated, "DatabaseSecretRotation")["RotateImmediatelyOnUpdate"] is False


def test_the_function_may_use_the_key_of_the_database_secret(rotated: Template) -> None:
    hosted = props(rotated, "DatabaseSecretRotation")["HostedRotationLambda"]
    assert refs(hosted["KmsKeyArn"]) == {"EncryptionKey"}


def test_rotated_passwords_avoid_what_rds_forbids(rotated: Template) -> None:
    excluded = props(rotated, "DatabaseSecretRotation")["HostedRotationLambda"]["ExcludeCharacters"]
    assert set("/'\"@ ") <= set(excluded)


def test_the_function_runs_in_the_private_subnets_with_its_own_group(rotated: Template) -> None:
    hosted = props(rotated, "DatabaseSecretRotation")["HostedRotationLambda"]
    assert refs(hosted["VpcSubnetIds"]) == {"PrivateSubnet1", "PrivateSubnet2"}
    assert refs(hosted["VpcSecurityGroupIds"]) == {"DatabaseRotationSecurityGroup"}


def test_the_function_reaches_the_database_on_its_port_and_nothing_else(
    rotated: Template,
) -> None:
    ingress = props(rotated, "DatabaseIngressFromRotation")
    assert refs(ingress["GroupId"]) == {"DatabaseSecurityGroup"}
    assert refs(ingress["SourceSecurityGroupId"]) == {"DatabaseRotationSecurityGroup"}
    assert ingress["FromPort"] == ingress["ToPort"] == PORT
    egress = props(rotated, "DatabaseRotationEgressToDatabase")
    assert refs(egress["DestinationSecurityGroupId"]) == {"DatabaseSecurityGroup"}
    assert egress["FromPort"] == egress["ToPort"] == PORT
    [https] = props(rotated, "DatabaseRotationSecurityGroup")["SecurityGroupEgress"]
    assert https["FromPort"] == https["ToPort"] == 443


def test_the_function_logs_expire_and_are_encrypted(rotated: Template) -> None:
    group = props(rotated, "DatabaseRotationLogGroup")
    rotation = props(rotated, "DatabaseSecretRotation")["HostedRotationLambda"]
    name = rotation["RotationLambdaName"]["Fn::Sub"]
    assert group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{name}"}
    assert group["RetentionInDays"] == 14
    assert refs(group["KmsKeyId"]) == {"EncryptionKey"}


def test_the_rotation_function_name_fits_lambdas_limit() -> None:
    # Lambda function names: at most 64 characters; application 24, suffix 20.
    name = f"{'a' * 24}-{'b' * 20}-{secrets.ROTATION_PURPOSE}"
    assert len(name) <= 64


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_with_a_database_every_environment_is_cfn_lint_clean(env: str) -> None:
    assert run_cfn_lint(with_database(env), ["us-east-1", "eu-west-1"]) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_phase_4_on_the_foundation_is_cfn_lint_clean(env: str) -> None:
    template = synth(features(**PHASE_4), env=env)
    assert run_cfn_lint(template, ["us-east-1", "eu-west-1"]) == []
