"""The command line's entry point (`appstack.cli`): every command one module, help that loads
nothing heavy, the version, and errors as one line with an exit code, never a traceback."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from appstack import __version__
from appstack.cli import FULL_COLLECTION_AFTER
from appstack.cli import run as run_program
from cli_runner import run


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and __version__ in out


@pytest.mark.parametrize("command", [[], ["synth"], ["init"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0 and "Usage:" in out


def test_a_bad_config_exits_2_with_the_field_and_no_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "appstack.yaml"
    cfg.write_text("environments:\n  prod:\n    cpu: 1024\n    memory: 512\n")
    result = subprocess.run(
        [sys.executable, "-m", "appstack", "synth", "prod", "-c", str(cfg), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "environments.prod.memory" in result.stderr and str(cfg) in result.stderr
    assert "2048" in result.stderr  # the fix: the valid sizes
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.template.json"))


def test_every_command_is_one_module_of_its_name_and_every_module_a_command() -> None:
    from appstack import cli
    from appstack.cli import commands

    modules = {p.stem for p in Path(commands.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == set(cli.COMMANDS)
    assert all(cli.command(name).name == name for name in cli.COMMANDS)


def test_help_lists_every_command_without_loading_boto3_pydantic_or_cfn_lint() -> None:
    code = (
        "import sys; from appstack.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('boto3', 'pydantic', 'troposphere', 'cfnlint', 'moto')"
        " if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    from appstack.cli import COMMANDS

    assert all(f"  {name} " in result.stdout for name in COMMANDS), result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_program_walks_its_long_lived_objects_rarely_and_not_again_at_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`appstack` as a program (`run`): a full collection walks every object the command
    loaded (modules, service models, validators), so it runs far less often than the
    interpreter's default, and not at all on the objects left once the command is done."""
    monkeypatch.setattr(sys, "argv", ["appstack", "--version"])
    default = gc.get_threshold()
    try:
        run_program()
        assert gc.get_threshold()[2] == FULL_COLLECTION_AFTER >= 100 * default[2]
        assert gc.get_threshold()[:2] == default[:2]  # young objects: as often as ever
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*default)
    assert __version__ in capsys.readouterr().out
