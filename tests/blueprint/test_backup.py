"""Backup: a daily plan into an encrypted, kept vault, over the table and the database."""

from __future__ import annotations

import re
from typing import Any

import pytest

from appstack.blueprint import backup
from appstack.checks.rules.retained_names import RetainedResourcesHaveNoFixedName
from blueprint.database_standin import features, with_database
from conftest import Template, of_type, props, refs, synth


@pytest.fixture(scope="module")
def table_only() -> Template:
    return synth(features(backup=True))


@pytest.fixture(scope="module")
def with_db() -> Template:
    return with_database()


def _rule(template: Template) -> dict[str, object]:
    [rule] = props(template, "BackupPlan")["BackupPlan"]["BackupPlanRule"]
    return rule


def test_the_vault_is_encrypted_with_the_environments_key_and_kept(table_only: Template) -> None:
    vault = table_only["Resources"]["BackupVault"]
    assert vault["DeletionPolicy"] == "Retain"
    assert vault["UpdateReplacePolicy"] == "Retain"
    assert refs(vault["Properties"]["EncryptionKeyArn"]) == {"EncryptionKey"}


def test_the_vault_name_is_an_output(table_only: Template) -> None:
    output = table_only["Outputs"]["BackupVaultName"]
    assert output["Value"] == {"Ref": "BackupVault"}
    assert output["Export"]["Name"] == {"Fn::Sub": "${AWS::StackName}-BackupVaultName"}


def _new_name(template: Template) -> dict[str, Any]:
    """The name a vault created now takes (the deployed one keeps its own)."""
    condition, _, new = props(template, "BackupVault")["BackupVaultName"]["Fn::If"]
    assert condition == "BackupVaultIsDeployed"
    name: dict[str, Any] = new
    return name


def test_the_vault_name_fits_at_the_longest_names(table_only: Template) -> None:
    # Vault names: 2 to 50 of [a-zA-Z0-9_-]; application names take 24, an IAM unique ID 21
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
    separator, parts = _new_name(table_only)["Fn::Join"]
    values = {"ApplicationName": "a" * 24, "BackupRole": "AROA" + "B" * 17}
    longest = separator.join(p if isinstance(p, str) else values[refs(p).pop()] for p in parts)
    assert re.fullmatch(r"[a-zA-Z0-9_-]{2,50}", longest)


def test_the_vault_can_come_back_after_a_phase_down_removed_it(table_only: Template) -> None:
    # Kept on delete, the vault keeps its name: a fixed name would make the next phase-up
    # fail with AlreadyExistsException. Its name comes from the backup role, created anew
    # with it each time (rule AS007).
    assert RetainedResourcesHaveNoFixedName().check(table_only) == []
    assert {"Fn::GetAtt": ["BackupRole", "RoleId"]} in _new_name(table_only)["Fn::Join"][1]
    assert "DeletionPolicy" not in table_only["Resources"]["BackupRole"]


def test_a_deployed_vault_keeps_the_name_it_has(table_only: Template) -> None:
    # BackupVaultName is create-only (AWS::Backup::BackupVault resource schema): a vault the
    # stack holds keeps its name, whatever way an older template built it. The deploy fills
    # the parameter from the deployed stack; the blueprint leaves it empty (a new vault).
    _, kept, _ = props(table_only, "BackupVault")["BackupVaultName"]["Fn::If"]
    assert kept == {"Ref": "BackupVaultDeployedName"}
    assert table_only["Parameters"]["BackupVaultDeployedName"]["Default"] == ""
    assert table_only["Conditions"]["BackupVaultIsDeployed"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BackupVaultDeployedName"}, ""]}]
    }
    declared = table_only["Metadata"]["appstack"]["DeployedNames"]
    assert declared == {"BackupVaultDeployedName": "BackupVault"}


def test_backups_run_daily_into_the_vault(table_only: Template) -> None:
    rule = _rule(table_only)
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    # TargetBackupVault (the vault's name) is the property; TargetBackupVaultName is not.
    assert refs(rule["TargetBackupVault"]) == {"BackupVault"}
    assert "TargetBackupVaultName" not in rule


def test_the_start_window_is_at_least_an_hour(table_only: Template) -> None:
    rule = _rule(table_only)
    assert rule["StartWindowMinutes"] >= 60  # type: ignore[operator]
    assert rule["CompletionWindowMinutes"] > rule["StartWindowMinutes"]  # type: ignore[operator]


def test_backups_stay_warm_and_expire(table_only: Template) -> None:
    lifecycle = _rule(table_only)["Lifecycle"]
    assert lifecycle == {"DeleteAfterDays": backup.RETENTION_DAYS}


def test_the_design_notes_lifecycle_is_rejected() -> None:
    # Cold after 14 days, deleted after 30: cold storage holds a backup at least 90 days.
    problems = backup.lifecycle_problems(backup.Retention(30, 14), [])
    assert problems and "at least 104" in problems[0]
    assert backup.lifecycle_problems(backup.Retention(104, 14), []) == []


def test_aurora_backups_cannot_go_to_cold_storage() -> None:
    problems = backup.lifecycle_problems(backup.Retention(200, 14), ["AWS::RDS::DBCluster"])
    assert problems == ["AWS::RDS::DBCluster backups cannot move to cold storage"]


def test_dynamodb_backups_go_cold_only_with_advanced_backup() -> None:
    [problem] = backup.lifecycle_problems(backup.Retention(200, 14), ["AWS::DynamoDB::Table"])
    assert "advanced DynamoDB backup" in problem


def test_the_plan_in_use_passes_every_lifecycle_check() -> None:
    types = ["AWS::DynamoDB::Table", "AWS::RDS::DBCluster"]
    assert backup.lifecycle_problems(backup.DAILY, types) == []


def test_the_role_has_the_managed_backup_and_restore_policies(table_only: Template) -> None:
    role = props(table_only, "BackupRole")
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert role["ManagedPolicyArns"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
            "AWSBackupServiceRolePolicyForBackup"
        },
        {
            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
            "AWSBackupServiceRolePolicyForRestores"
        },
    ]


def test_without_a_database_the_selection_covers_the_table(table_only: Template) -> None:
    selection = props(table_only, "BackupSelection")
    assert refs(selection["BackupPlanId"]) == {"BackupPlan"}
    inner = selection["BackupSelection"]
    assert refs(inner["IamRoleArn"]) == {"BackupRole"}
    assert inner["Resources"] == [{"Fn::GetAtt": ["Table", "Arn"]}]


def test_with_a_database_the_selection_covers_the_cluster_too(with_db: Template) -> None:
    resources = props(with_db, "BackupSelection")["BackupSelection"]["Resources"]
    assert resources == [
        {"Fn::GetAtt": ["Table", "Arn"]},
        {"Fn::GetAtt": ["DatabaseCluster", "DBClusterArn"]},
    ]


def test_backup_stays_off_in_phase_1() -> None:
    assert of_type(synth(), "AWS::Backup::BackupPlan") == {}
