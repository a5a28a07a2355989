"""The tests mirror the source: the test of `src/appstack/<pkg>/<mod>.py` is found in one hop.

It is `tests/<pkg>/test_<mod>.py`, `tests/<pkg>/test_<mod>_<aspect>.py` or
`tests/<pkg>/<mod>/test_*.py`; a fidelity rule `local/fidelity/emNNN_<name>.py` has its test
at `tests/emulator/test_emNNN_*.py` (see tests/README.md). A module without one is listed
below, with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "appstack"
TESTS = Path(__file__).resolve().parent

#: The packages laid out as a mirror ("" is the top level): a command's module
#: `cli/commands/<name>.py` has its test at `cli/commands/test_<name>.py`.
MIRRORED = (
    "",
    "blueprint",
    "checks",
    "checks/rules",
    "cli",
    "cli/commands",
    "config",
    "data",
    "deploy",
    "estimates",
    "images",
    "local",
    "local/fidelity",
    "local/models",
    "render",
)

#: Modules with no behaviour of their own to test.
NEEDS_NO_TEST = {
    "__init__.py": "the version string",
    "__main__.py": "hands over to the command line",
    "errors.py": "exception classes; each is raised and checked where it is used",
    "checks/__init__.py": "empty",
    "checks/findings.py": "the Finding record",
    "checks/rules/base.py": "the Rule base class; every rule is tested in checks/rules/",
    "cli/commands/__init__.py": "the package docstring",
    "deploy/__init__.py": "the package docstring",
    "estimates/__init__.py": "the package docstring",
    "images/__init__.py": "the package docstring",
    "local/server.py": "starts moto after installing the models and the fidelity rules; every "
    "emulator test runs it (conftest.emulator_endpoint)",
    "local/fidelity/em2_shared.py": "the lock and the look-ups the EM2xx rules share; no rule "
    "of its own",
}

#: Modules tested in a file named after what they do, not after the module.
TESTED_IN = {
    "init_file.py": "config/test_config.py",  # the file `init` writes equals the defaults
    "blueprint/__init__.py": "blueprint/test_templates.py",  # every environment's template
    "checks/rules/__init__.py": "checks/rules/test_rules.py",
    "cli/__init__.py": "cli/test_main.py",  # the entry point: commands, help, exit codes
    "config/__init__.py": "config/test_config.py",
    "config/checks.py": "config/test_config.py",  # through config.parse, field by field
    "config/loading.py": "config/test_config.py",
    "config/schema.py": "config/test_config.py",
    "data/__init__.py": "data/test_load.py",
    "local/__init__.py": "local/test_connect.py",  # local.connect
    "local/emulator.py": "cli/commands/test_local.py",  # the background emulator, by its port
    "local/fidelity/__init__.py": "emulator/test_fidelity_registry.py",
    "local/fidelity/em107_delete_failed.py": "emulator/test_em100_update_lifecycle.py",
    "local/fidelity/em402_managed_passwords.py": "emulator/test_managed_password_migration.py",
    "local/fidelity/em404_backup_plans.py": "emulator/test_backup_comes_back.py",
    "local/models/__init__.py": "local/models/test_models.py",
    "local/models/_base.py": "local/models/test_models.py",  # placeholders, kept on update
    "local/models/fixes.py": "local/models/test_models.py",  # each fix of moto's CloudFormation
    "render/__init__.py": "render/test_render.py",  # what the terminal shows
}
#: The emulator's models of the phase-4 stack, each seen through its service's API on one
#: deployed stack (one deploy for all of them).
TESTED_IN |= {
    f"local/models/{name}.py": "local/models/test_services.py"
    for name in (
        "autoscaling",
        "backup",
        "cloudtrail",
        "elasticache",
        "rds",
        "resourcegroups",
        "secretsmanager",
        "vpn",
        "wafv2",
    )
}
#: Each of appstack's rules has a good and a bad template under checks/rules/<id>/.
TESTED_IN |= {
    f"checks/rules/{path.name}": "checks/rules/test_rules.py"
    for path in (SRC / "checks" / "rules").glob("*.py")
    if path.name not in ("__init__.py", "base.py")
}


def modules() -> list[str]:
    found = []
    for package in MIRRORED:
        found += [path.relative_to(SRC).as_posix() for path in sorted((SRC / package).glob("*.py"))]
    return found


def mirror_of(module: str) -> list[Path]:
    """The test files at the mirrored place of `module`."""
    path = Path(module)
    folder = TESTS / path.parent
    if path.parent.as_posix() == "local/fidelity" and path.stem.startswith("em"):
        rule_id = path.stem.split("_")[0]
        return sorted((TESTS / "emulator").glob(f"test_{rule_id}_*.py"))
    return sorted(
        [
            *folder.glob(f"test_{path.stem}.py"),
            *folder.glob(f"test_{path.stem}_*.py"),
            *(folder / path.stem).glob("test_*.py"),
        ]
    )


@pytest.mark.parametrize("module", modules())
def test_every_module_has_its_test_at_the_mirrored_place_or_says_why_not(module: str) -> None:
    listed = module in NEEDS_NO_TEST or module in TESTED_IN
    assert mirror_of(module) or listed, (
        f"src/appstack/{module} has no test: add tests/{Path(module).parent}/"
        f"test_{Path(module).stem}.py (or list it in tests/test_mirror.py with the reason)"
    )


def test_a_module_with_its_own_test_leaves_the_lists() -> None:
    listed = {*NEEDS_NO_TEST, *TESTED_IN}
    mirrored = {m for m in modules() if mirror_of(m)}
    assert listed & mirrored == set()


def test_the_lists_name_modules_and_tests_that_exist() -> None:
    every = set(modules())
    assert {*NEEDS_NO_TEST, *TESTED_IN} <= every
    assert [test for test in TESTED_IN.values() if not (TESTS / test).is_file()] == []
