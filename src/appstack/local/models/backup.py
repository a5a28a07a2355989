"""AWS Backup on moto's Backup backend: the vault and the plan. moto 5.2.5 has no backup
selections, so AWS::Backup::BackupSelection stays a placeholder."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from moto.backup.models import backup_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, Place, Props, bounded_name, model, tag_dict


def _api_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A BackupPlanRule as the API writes it (TargetBackupVault is TargetBackupVaultName)."""
    api = dict(rule)
    api["TargetBackupVaultName"] = api.pop("TargetBackupVault", "")
    return api


def _plan(p: Props) -> dict[str, Any]:
    """The plan of properties `p` as the API writes it (CloudFormation's BackupPlanRule is
    the API's Rules)."""
    document = dict(p["BackupPlan"])
    document["Rules"] = [_api_rule(rule) for rule in document.pop("BackupPlanRule", [])]
    return document


@model("AWS::Backup::BackupVault")
class BackupVault(BackendModel, CloudFormationModel, BaseModel):
    """The vault; Ref is its name."""

    attributes: ClassVar[dict[str, str]] = {
        "BackupVaultArn": "arn",
        "BackupVaultName": "physical_id",
    }

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> BackupVault:
        vault = at.backend(backup_backends).create_backup_vault(
            backup_vault_name=bounded_name(name, 50, r"[^a-zA-Z0-9_-]"),
            backup_vault_tags=tag_dict(p, "BackupVaultTags"),
            encryption_key_arn=p.get("EncryptionKeyArn"),
            creator_request_id=None,
        )
        return cls(vault.backup_vault_name, vault.backup_vault_arn)

    def remove(self, at: Place) -> None:
        at.backend(backup_backends).delete_backup_vault(self.physical_id)


@model("AWS::Backup::BackupPlan")
class BackupPlan(BackendModel, CloudFormationModel, BaseModel):
    """The plan; Ref is its ID."""

    attributes: ClassVar[dict[str, str]] = {
        "BackupPlanArn": "arn",
        "BackupPlanId": "physical_id",
        "VersionId": "version_id",
    }

    def __init__(self, plan: Any) -> None:
        super().__init__(str(plan.backup_plan_id), str(plan.backup_plan_arn))
        self.version_id = str(plan.version_id)

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> BackupPlan:
        plan = at.backend(backup_backends).create_backup_plan(
            backup_plan=_plan(p),
            backup_plan_tags=tag_dict(p, "BackupPlanTags"),
            creator_request_id=None,
        )
        return cls(plan)

    def update(self, p: Props, at: Place) -> BackupPlan:
        """UpdateBackupPlan: the plan keeps its id and gets a new version."""
        document = _plan(p)
        plan = at.backend(backup_backends).plans[self.physical_id]
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

    def remove(self, at: Place) -> None:
        backend = at.backend(backup_backends)
        if self.physical_id in backend.plans:
            backend.delete_backup_plan(self.physical_id)
