"""Before a change set, each kept resource the stack holds keeps its deployed name."""

from __future__ import annotations

from typing import Any

from appstack.deploy import kept_names
from conftest import synth

WITH_BACKUP = {"environments": {"dev": {"features": {"backup": True}}}}
HOLDS_THE_VAULT = {"BackupVault": "myapp-dev-bkp", "Table": "myapp-dev-table"}


def deployed(**parameters: str) -> dict[str, Any]:
    """A stack as DescribeStacks answers it, with these parameter values."""
    return {
        "StackName": "s",
        "StackStatus": "UPDATE_COMPLETE",
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    }


def never_read() -> dict[str, str]:
    raise AssertionError("the deployed stack's resources are read only when a name is kept")


def value(template: dict[str, Any]) -> str:
    return str(template["Parameters"]["BackupVaultDeployedName"]["Default"])


def test_a_vault_from_a_template_that_fixed_its_name_keeps_that_name() -> None:
    # The older template had no such parameter: the vault's physical id is its name.
    template = synth(WITH_BACKUP)
    kept = kept_names.keep(template, deployed(ApplicationName="myapp"), lambda: HOLDS_THE_VAULT)
    assert value(kept) == "myapp-dev-bkp"
    # Only that parameter changes: the resources are as the blueprint built them.
    assert kept["Resources"] == template["Resources"]
    assert value(template) == ""


def test_a_vault_named_at_its_creation_keeps_the_value_the_stack_has() -> None:
    # Created with the parameter empty (its name from the backup role): it stays empty, so
    # the name is never written another way than deployed.
    stack = deployed(BackupVaultDeployedName="")
    assert value(kept_names.keep(synth(WITH_BACKUP), stack, lambda: HOLDS_THE_VAULT)) == ""
    stack = deployed(BackupVaultDeployedName="myapp-dev-bkp")
    kept = kept_names.keep(synth(WITH_BACKUP), stack, lambda: HOLDS_THE_VAULT)
    assert value(kept) == "myapp-dev-bkp"


def test_a_vault_the_stack_no_longer_holds_gives_no_name() -> None:
    # After a phase-down the vault is kept in the account but not in the stack: the vault
    # that comes back is a new one, with a new name (AlreadyExists otherwise).
    stack = deployed(BackupVaultDeployedName="myapp-dev-bkp")
    kept = kept_names.keep(synth(WITH_BACKUP), stack, lambda: {"Table": "t"})
    assert value(kept) == ""


def test_a_first_deploy_reads_nothing_and_names_a_new_vault() -> None:
    assert value(kept_names.keep(synth(WITH_BACKUP), None, never_read)) == ""


def test_a_template_that_keeps_no_name_is_left_as_it_is() -> None:
    template = synth({"environments": {"dev": {"features": {"backup": False}}}})
    assert kept_names.keep(template, deployed(), never_read) == template
