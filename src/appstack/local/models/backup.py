"""AWS Backup on moto's Backup backend: the vault and the plan. moto 5.2.5 has no backup
selections, so AWS::Backup::BackupSelection stays a placeholder."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.backup.models import backup_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, bounded_name


def _backend(account_id: str, region_name: str) -> Any:
    return backup_backends[account_id][region_name]


def _tags(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _api_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A BackupPlanRule as the API writes it (TargetBackupVault is TargetBackupVaultName)."""
    api = dict(rule)
    api["TargetBackupVaultName"] = api.pop("TargetBackupVault", "")
    return api


class BackupVault(BackendModel, CloudFormationModel, BaseModel):
    """AWS::Backup::BackupVault; Ref is its name."""

    attributes: ClassVar[dict[str, str]] = {
        "BackupVaultArn": "arn",
        "BackupVaultName": "physical_id",
    }

    def __init__(self, name: str, arn: str) -> None:
        self.physical_id = name
        self.arn = arn

    type_name = "AWS::Backup::BackupVault"
    name_property = "BackupVaultName"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> BackupVault:
        vault = _backend(account_id, region_name).create_backup_vault(
            backup_vault_name=bounded_name(resource_name, 50, r"[^a-zA-Z0-9_-]"),
            backup_vault_tags=_tags(p.get("BackupVaultTags")),
            encryption_key_arn=p.get("EncryptionKeyArn"),
            creator_request_id=None,
        )
        return cls(vault.backup_vault_name, vault.backup_vault_arn)

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_backup_vault(self.physical_id)


class BackupPlan(BackendModel, CloudFormationModel, BaseModel):
    """AWS::Backup::BackupPlan; Ref is its ID. CloudFormation's BackupPlanRule is the API's
    Rules."""

    attributes: ClassVar[dict[str, str]] = {
        "BackupPlanArn": "arn",
        "BackupPlanId": "physical_id",
        "VersionId": "version_id",
    }

    def __init__(self, plan: Any) -> None:
        self.physical_id = str(plan.backup_plan_id)
        self.arn = str(plan.backup_plan_arn)
        self.version_id = str(plan.version_id)

    type_name = "AWS::Backup::BackupPlan"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> BackupPlan:
        document = dict(p["BackupPlan"])
        document["Rules"] = [_api_rule(rule) for rule in document.pop("BackupPlanRule", [])]
        plan = _backend(account_id, region_name).create_backup_plan(
            backup_plan=document,
            backup_plan_tags=_tags(p.get("BackupPlanTags")),
            creator_request_id=None,
        )
        return cls(plan)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> BackupPlan:
        """UpdateBackupPlan: the plan keeps its id and gets a new version."""
        import uuid

        document = dict(p["BackupPlan"])
        document["Rules"] = [_api_rule(rule) for rule in document.pop("BackupPlanRule", [])]
        plan = _backend(account_id, region_name).plans[self.physical_id]
        for rule in document["Rules"]:
            rule.setdefault("ScheduleExpression", "cron(0 5 ? * * *)")
            rule.setdefault("StartWindowMinutes", 480)
            rule.setdefault("CompletionWindowMinutes", 10080)
            rule.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
            rule["RuleId"] = str(uuid.uuid4())
        plan.backup_plan = document
        plan.version_id = uuid.uuid4().hex
        self.version_id = plan.version_id
        return self

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.physical_id in backend.plans:
            backend.delete_backup_plan(self.physical_id)
