"""Backup can be switched off and on again: the kept vault does not block the new one.

A vault is kept on delete (its recovery points are the data), and AWS Backup refuses a
second vault under a name that exists (CreateBackupVault: AlreadyExistsException,
https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html). With a
fixed name, the phase-up after a phase-down failed and rolled back; the name is now new with
every creation (rule AS007).
"""

from __future__ import annotations

from typing import Any

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from conftest import synth

REGION = "eu-north-1"
STACK = "backup-comes-back"


def with_backup(on: bool) -> dict[str, Any]:
    return {"environments": {"dev": {"features": {"backup": on}}}}


def deploy(conn: Connection, data: dict[str, Any]) -> stacks.Outcome:
    template = synth(data, env="dev", phase=1)
    change_set, _ = stacks.plan(conn, STACK, stacks.current(conn, STACK), template)
    if change_set.empty:
        return stacks.Outcome(STACK, "NO_CHANGES", change_set)
    return stacks.apply(conn, change_set, template, production=False)


@pytest.fixture(scope="module")
def ladder(emulator_endpoint: str) -> dict[str, Any]:
    conn = Connection(REGION, endpoint=emulator_endpoint)
    first = deploy(conn, with_backup(True))
    down = deploy(conn, with_backup(False))
    up = deploy(conn, with_backup(True))
    again = deploy(conn, with_backup(True))
    return {"conn": conn, "first": first, "down": down, "up": up, "again": again}


def test_switching_backup_off_keeps_the_vault(ladder: dict[str, Any]) -> None:
    assert ladder["down"].ok, ladder["down"].failure
    vaults = ladder["conn"].client("backup").list_backup_vaults()["BackupVaultList"]
    assert ladder["first"].outputs["BackupVaultName"] in [v["BackupVaultName"] for v in vaults]


def test_switching_backup_on_again_succeeds_with_a_new_vault(ladder: dict[str, Any]) -> None:
    assert ladder["up"].ok, ladder["up"].failure
    first, again = (
        ladder["first"].outputs["BackupVaultName"],
        ladder["up"].outputs["BackupVaultName"],
    )
    assert first != again
    vaults = ladder["conn"].client("backup").list_backup_vaults()["BackupVaultList"]
    assert {first, again} <= {v["BackupVaultName"] for v in vaults}


def test_deploying_the_same_again_leaves_the_vault_alone(ladder: dict[str, Any]) -> None:
    # The vault that came back was named from its backup role (its deployed-name parameter
    # empty); the next deploy keeps the parameter as the stack has it, so the name is not
    # written another way and nothing changes (blueprint.deployed_names).
    again = ladder["again"]
    assert again.status == "NO_CHANGES", again.change_set and again.change_set.changes
    stack = stacks.current(ladder["conn"], STACK)
    assert stack is not None
    values = {p["ParameterKey"]: p.get("ParameterValue") for p in stack["Parameters"]}
    assert values["BackupVaultDeployedName"] == ""
    assert stacks.outputs(stack)["BackupVaultName"] == ladder["up"].outputs["BackupVaultName"]


def test_a_deleted_backup_plan_frees_its_name(emulator_endpoint: str) -> None:
    """EM404: moto compared new plans with deleted ones."""
    client = Connection(REGION, endpoint=emulator_endpoint).client("backup")
    plan = {"BackupPlanName": "freed-by-delete", "Rules": []}
    first = client.create_backup_plan(BackupPlan=plan)["BackupPlanId"]
    client.delete_backup_plan(BackupPlanId=first)
    again = client.create_backup_plan(BackupPlan=plan)["BackupPlanId"]
    assert again != first
