"""The application's own secrets (`secrets:`): one Secrets Manager secret a name, encrypted
with the environment's key, injected into the container by its full ARN (ECS valueFrom:
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html; Ref of
AWS::SecretsManager::Secret is its ARN:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html),
read only by the execution role, decrypted only through Secrets Manager."""

from __future__ import annotations

import json

import pytest

from appstack.blueprint.named_secrets import logical_id, name_of
from appstack.checks.lint import run_cfn_lint
from appstack.data import load
from conftest import Template, of_type, props, refs, statements, synth

NAMES = ["API_TOKEN", "STRIPE_KEY"]


@pytest.fixture(scope="module")
def named() -> Template:
    return synth({"secrets": NAMES})


def test_each_name_is_one_secret_encrypted_with_the_environments_key(named: Template) -> None:
    secrets = of_type(named, "AWS::SecretsManager::Secret")
    assert sorted(secrets) == [logical_id(n) for n in NAMES]
    for resource in secrets.values():
        assert refs(resource["Properties"]["KmsKeyId"]) == {"EncryptionKey"}


def test_a_secret_is_kept_on_delete_and_replace_and_has_no_fixed_name(named: Template) -> None:
    for resource in of_type(named, "AWS::SecretsManager::Secret").values():
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
        assert "Name" not in resource["Properties"]  # AS007: it could not come back


def test_the_container_gets_each_secret_by_its_arn_as_the_variable_of_its_name(
    named: Template,
) -> None:
    [container] = props(named, "TaskDefinition")["ContainerDefinitions"]
    for name in NAMES:
        assert {"Name": name, "ValueFrom": {"Ref": logical_id(name)}} in container["Secrets"]
        assert all(e["Name"] != name for e in container["Environment"])


def test_only_the_execution_role_reads_exactly_those_secrets_and_decrypts_via_secrets_manager(
    named: Template,
) -> None:
    execution = statements(named, "TaskExecutionRole")
    read = [s for s in execution if "secretsmanager:GetSecretValue" in s["Action"]]
    assert sorted(next(iter(refs(s["Resource"]))) for s in read) == [logical_id(n) for n in NAMES]
    decrypt = [s for s in execution if "kms:Decrypt" in s["Action"]]
    assert len(decrypt) == len(NAMES)
    for statement in decrypt:
        assert refs(statement["Resource"]) == {"EncryptionKey"}
        via = statement["Condition"]["StringEquals"]["kms:ViaService"]
        assert "secretsmanager." in json.dumps(via)
    assert "secretsmanager" not in json.dumps(statements(named, "TaskRole"))


def test_without_secrets_there_is_none(named: Template) -> None:
    assert of_type(synth(), "AWS::SecretsManager::Secret") == {}


def test_the_template_with_secrets_passes_cfn_lint(named: Template) -> None:
    assert run_cfn_lint(named, ["us-east-1"]) == []


@pytest.mark.parametrize("name", ["A", "API_TOKEN", "X_X", "ABC_1_2"])
def test_a_logical_id_names_its_secret_both_ways(name: str) -> None:
    assert name_of(logical_id(name)) == name
    assert logical_id(name).isalnum()


def test_the_names_appstack_sets_in_the_container_are_the_reserved_ones() -> None:
    """data/app_secrets.json keeps the variables appstack's capabilities set (a secret of the
    same name would clash with one); the phase-4 template is where they all are."""
    config = {"environments": {"dev": {"features": {"vpn": False}, "database": {"readers": 1}}}}
    template = synth(config, "dev", 4)
    [app] = [c for c in props(template, "TaskDefinition")["ContainerDefinitions"]
             if c["Name"] == "app"]  # fmt: skip
    used = {e["Name"] for e in app["Environment"]} | {s["Name"] for s in app["Secrets"]}
    used = {n for n in used if not n.startswith(tuple(load("app_secrets")["reserved_prefixes"]))}
    assert used == set(load("app_secrets")["set_by_appstack"])
