"""Secrets: the application secret reaches the task; no rotation function of our own."""

from __future__ import annotations

import json

import pytest

from appstack.checks.lint import run_cfn_lint
from blueprint.database_standin import PHASE_4, features, with_database
from conftest import Template, of_type, props, refs, statements, synth

ENVIRONMENTS = ["dev", "staging", "prod"]


@pytest.fixture(scope="module")
def plain() -> Template:
    """Secrets on, no database."""
    return synth(features(secrets=True))


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
    execution = statements(plain, "TaskExecutionRole")
    read = [s for s in execution if "secretsmanager:GetSecretValue" in s["Action"]]
    assert [refs(s["Resource"]) for s in read] == [{"AppSecret"}]
    decrypt = [s for s in execution if "kms:Decrypt" in s["Action"]]
    assert decrypt and refs(decrypt[0]["Resource"]) == {"EncryptionKey"}
    task_actions = json.dumps(statements(plain, "TaskRole"))
    assert "secretsmanager" not in task_actions
    assert "AppSecret" not in task_actions


def test_the_key_is_used_only_through_secrets_manager(plain: Template) -> None:
    [decrypt] = [s for s in statements(plain, "TaskExecutionRole") if "kms:Decrypt" in s["Action"]]
    service = decrypt["Condition"]["StringEquals"]["kms:ViaService"]
    assert service == {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}


def test_without_a_database_nothing_rotates_and_no_transform_is_needed(plain: Template) -> None:
    assert of_type(plain, "AWS::SecretsManager::RotationSchedule") == {}
    assert "Transform" not in plain


def test_with_a_database_no_rotation_function_and_no_transform_are_declared() -> None:
    # RDS rotates the master password itself (ManageMasterUserPassword): no hosted function
    # from the AWS::SecretsManager transform, whose python3.10 runtime is past Lambda's end
    # of life, and so no CAPABILITY_AUTO_EXPAND.
    vpn = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    template = synth(vpn, env="dev", phase=4)
    assert "DatabaseCluster" in template["Resources"]
    assert of_type(template, "AWS::SecretsManager::RotationSchedule") == {}
    assert of_type(template, "AWS::Lambda::Function") == {}
    assert "Transform" not in template


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_with_a_database_every_environment_is_cfn_lint_clean(env: str) -> None:
    assert run_cfn_lint(with_database(env), ["us-east-1", "eu-west-1"]) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_phase_4_on_the_foundation_is_cfn_lint_clean(env: str) -> None:
    template = synth(features(**PHASE_4), env=env)
    assert run_cfn_lint(template, ["us-east-1", "eu-west-1"]) == []
