"""Backup: an encrypted AWS Backup vault and a daily plan that covers the table and the
database.

No cold storage: Aurora backups cannot move to cold storage at all, DynamoDB's only with
AWS Backup's advanced DynamoDB features, and a move to cold storage needs DeleteAfterDays at
least 90 days after it (the design notes' 14/30 split is rejected by AWS Backup).
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Ref, Sub
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

from appstack.blueprint.stack import RETAIN, Stack, service_role_trust

#: Days a recovery point is kept: prod (deletion_protection) and the others.
RETENTION_DAYS = {True: 35, False: 14}
#: 05:00 UTC every day, inside a one-hour start window, done within three hours.
SCHEDULE = "cron(0 5 * * ? *)"
POLICIES = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)


def build(stack: Stack, key: Key, table: Table, database_cluster: Any | None) -> BackupPlan:
    # Kept on delete and replace: recovery points live in the vault.
    vault = stack.stateful(
        BackupVault(
            "BackupVault",
            BackupVaultName=Sub("${ApplicationName}-${EnvironmentSuffix}-vault"),
            EncryptionKeyArn=GetAtt(key, "Arn"),
            BackupVaultTags={
                "Application": Ref(stack.app_name),
                "Environment": Ref(stack.env_name),
            },
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    plan = stack.add(
        BackupPlan(
            "BackupPlan",
            BackupPlan=BackupPlanResourceType(
                BackupPlanName=stack.name("daily"),
                BackupPlanRule=[
                    BackupRuleResourceType(
                        RuleName="daily",
                        TargetBackupVault=Ref(vault),
                        ScheduleExpression=SCHEDULE,
                        StartWindowMinutes=60,
                        CompletionWindowMinutes=180,
                        Lifecycle=LifecycleResourceType(
                            DeleteAfterDays=RETENTION_DAYS[stack.settings.deletion_protection]
                        ),
                    )
                ],
            ),
        )
    )
    role = stack.add(
        Role(
            "BackupRole",
            AssumeRolePolicyDocument=service_role_trust("backup.amazonaws.com"),
            ManagedPolicyArns=[Sub(p) for p in POLICIES],
            Tags=stack.tags("backup"),
        )
    )
    covered = [GetAtt(table, "Arn")]
    if database_cluster is not None:
        covered.append(GetAtt(database_cluster, "DBClusterArn"))
    stack.add(
        BackupSelection(
            "BackupSelection",
            BackupPlanId=Ref(plan),
            BackupSelection=BackupSelectionResourceType(
                SelectionName="table-and-database",
                IamRoleArn=GetAtt(role, "Arn"),
                Resources=covered,
            ),
        )
    )
    stack.output("BackupVaultName", Ref(vault), "AWS Backup vault of the environment")
    return plan
