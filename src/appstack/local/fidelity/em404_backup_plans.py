"""A deleted backup plan is gone.

moto keeps a deleted plan (with its deletion date) and still compares new plans with it, so
creating a plan again under the name of one deleted before fails with "Backup plan with the
same plan document already exists": switching backup off and on again (a phase-down, then a
phase-up) could not create the plan again.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


@rule(
    "EM404",
    "A deleted backup plan does not block a new plan of the same name",
    "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupPlan.html",
)
def deleted_plans_free_their_name() -> None:
    """DeleteBackupPlan "Deletes a backup plan": only plans that exist can clash with
    CreateBackupPlan (AlreadyExistsException)."""
    from moto.backup.models import BackupBackend

    original = BackupBackend.create_backup_plan

    def create_backup_plan(self: Any, backup_plan: dict[str, Any], *a: Any, **kw: Any) -> Any:
        deleted = {
            plan_id: plan
            for plan_id, plan in self.plans.items()
            if getattr(plan, "deletion_date", None) is not None
        }
        for plan_id in deleted:
            del self.plans[plan_id]
        try:
            return original(self, backup_plan, *a, **kw)
        finally:
            self.plans.update(deleted)  # still listed with include_deleted, as AWS lists them

    setattr(BackupBackend, "create_backup_plan", create_backup_plan)  # noqa: B010
