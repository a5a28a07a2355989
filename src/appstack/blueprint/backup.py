"""Backup: daily AWS Backup copies of the table and the database in an encrypted vault.

The vault is encrypted with the environment's key and kept when the stack goes (its recovery
points are the data). The plan keeps each daily backup for `RETENTION_DAYS` in warm storage:
cold storage would hold every backup at least 90 days and is not open to Aurora at all, nor
to DynamoDB without the account's advanced DynamoDB backup (see `lifecycle_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from awacs.aws import Action, Allow, PolicyDocument, Principal, Statement
from troposphere import GetAtt, Join, Ref, Sub
from troposphere.backup import (
    BackupPlan,
    BackupPlanResourceType,
    BackupRuleResourceType,
    BackupSelection,
    BackupSelectionResourceType,
    BackupVault,
    LifecycleResourceType,
)
from troposphere.dynamodb import Table
from troposphere.iam import Role
from troposphere.kms import Key
from troposphere.rds import DBCluster

from appstack.blueprint import deployed_names
from appstack.blueprint.draft import RETAIN, Draft
from appstack.data import load

#: The AWS managed policies of the AWS Backup service role: one to back up, one to restore
#: (DynamoDB backups with AWS Backup's advanced features need both). Source: AWS managed
#: policy reference.
BACKUP_POLICIES = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)
#: Every day at 03:00 UTC.
SCHEDULE = "cron(0 3 * * ? *)"
#: A start window below 60 minutes causes errors (AWS Backup API, BackupRuleInput).
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 180
#: Five weeks of daily backups.
RETENTION_DAYS = 35


@dataclass(frozen=True)
class Retention:
    """How long a backup stays warm, and (optionally) when it moves to cold storage."""

    delete_after_days: int
    move_to_cold_storage_after_days: int | None = None


DAILY = Retention(delete_after_days=RETENTION_DAYS)


class BackedUpDatabase(Protocol):
    """What backup needs of the database capability (see blueprint.database.Database)."""

    @property
    def cluster(self) -> DBCluster: ...


def _lifecycle_facts() -> dict[str, Any]:
    return load("backup_lifecycle")


def lifecycle_problems(retention: Retention, resource_types: list[str]) -> list[str]:
    """Why AWS Backup would reject `retention`, or not apply it, for these resource types."""
    cold_after = retention.move_to_cold_storage_after_days
    if cold_after is None:
        return []
    facts = _lifecycle_facts()
    problems = []
    minimum = facts["min_days_in_cold_storage"]
    if retention.delete_after_days < cold_after + minimum:
        problems.append(
            f"backups stay in cold storage at least {minimum} days: DeleteAfterDays "
            f"{retention.delete_after_days} must be at least {cold_after + minimum}"
        )
    for resource_type in resource_types:
        support = facts["cold_storage"].get(resource_type)
        if support is None:
            problems.append(f"{resource_type} backups cannot move to cold storage")
        else:
            problems.append(f"{resource_type} backups move to cold storage {support}")
    return problems


def build(draft: Draft, key: Key, table: Table, database: BackedUpDatabase | None) -> BackupPlan:
    protected: list[tuple[str, Any]] = [("AWS::DynamoDB::Table", GetAtt(table, "Arn"))]
    if database is not None:
        protected.append(("AWS::RDS::DBCluster", GetAtt(database.cluster, "DBClusterArn")))
    problems = lifecycle_problems(DAILY, [t for t, _ in protected])
    if problems:  # a bug in this module, not a user error
        raise ValueError("; ".join(problems))

    role = draft.add(
        Role(
            "BackupRole",
            AssumeRolePolicyDocument=PolicyDocument(
                Version="2012-10-17",
                Statement=[
                    Statement(
                        Effect=Allow,
                        Principal=Principal("Service", "backup.amazonaws.com"),
                        Action=[Action("sts", "AssumeRole")],
                    )
                ],
            ),
            ManagedPolicyArns=[Sub(arn) for arn in BACKUP_POLICIES],
            Tags=draft.tags("backup"),
        )
    )
    # Retained: the recovery points in it are the environment's backups. A kept vault keeps
    # its name too, and the name is required: a fixed one would make the next creation (a
    # phase-up after a phase-down, a new stack after a destroy) fail with
    # AlreadyExistsException (rule AS007). The backup role is created with the vault each
    # time, and its RoleId is unique, so the name is new with every creation; at most
    # 24 + 5 + 21 characters, within the vault's 50. The name is create-only: a vault already
    # deployed keeps the name it has (a stack from before named it `<app>-<env>-bkp`).
    new_name = Join("-", [Ref(draft.app_name), "bkp", GetAtt(role, "RoleId")])
    vault = draft.stateful(
        BackupVault(
            "BackupVault",
            BackupVaultName=deployed_names.keep(draft.template, "BackupVault", new_name),
            EncryptionKeyArn=GetAtt(key, "Arn"),
            BackupVaultTags=_tags(draft, "backup"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    draft.output("BackupVaultName", Ref(vault), "AWS Backup vault of the environment's backups")
    lifecycle = LifecycleResourceType(DeleteAfterDays=DAILY.delete_after_days)
    if DAILY.move_to_cold_storage_after_days is not None:
        lifecycle.MoveToColdStorageAfterDays = DAILY.move_to_cold_storage_after_days
    plan = draft.add(
        BackupPlan(
            "BackupPlan",
            BackupPlan=BackupPlanResourceType(
                BackupPlanName=draft.name("backup"),
                BackupPlanRule=[
                    BackupRuleResourceType(
                        RuleName="daily",
                        # Ref of a vault is its name, what TargetBackupVault takes.
                        TargetBackupVault=Ref(vault),
                        ScheduleExpression=SCHEDULE,
                        StartWindowMinutes=START_WINDOW_MINUTES,
                        CompletionWindowMinutes=COMPLETION_WINDOW_MINUTES,
                        Lifecycle=lifecycle,
                    )
                ],
            ),
            BackupPlanTags=_tags(draft, "backup"),
        )
    )
    draft.add(
        BackupSelection(
            "BackupSelection",
            BackupPlanId=Ref(plan),
            BackupSelection=BackupSelectionResourceType(
                SelectionName="application-data",
                IamRoleArn=GetAtt(role, "Arn"),
                # By ARN: exactly this stack's data stores, whatever their tags say.
                Resources=[arn for _, arn in protected],
            ),
        )
    )
    return plan


def _tags(draft: Draft, purpose: str) -> dict[str, Any]:
    """The stack's tags as the key-value map AWS Backup resources take."""
    return {tag["Key"]: tag["Value"] for tag in draft.tags(purpose).to_dict()}
