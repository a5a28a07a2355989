"""A stack that does not exist gets one answer from every command that needs one: the same
line, the same exit code (2, a usage error: the name or the Region is wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run, write_config

REGION = "eu-west-2"
NEVER = "never-deployed"
ANSWER = (
    f"stack {NEVER} does not exist in {REGION} (it is not deployed there): "
    "check the stack name, and --region"
)
COMMANDS = {
    "status": ["status", NEVER],
    "outputs": ["outputs", NEVER],
    "events": ["events", NEVER],
    "watch": ["watch", NEVER],
    "destroy": ["destroy", NEVER, "--yes"],
    "rollback": ["rollback", NEVER, "dev", "--to-phase", "1", "--yes", "--skip-validate"],
}


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_missing_stack_is_one_line_and_exit_code_2_in_every_command(
    argv: list[str], tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = write_config(tmp_path, region=REGION)
    code, out, err = run([*argv, "-c", config_file], capsys)
    assert code == 2
    assert out == ""
    assert [line for line in err.splitlines() if line.strip()] == [f"error: {ANSWER}"]


def test_a_plan_for_a_missing_stack_previews_its_creation(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one command that takes a missing stack: a plan is how a first deploy is previewed."""
    config_file = write_config(tmp_path, region=REGION)
    code, out, err = run(["plan", NEVER, "dev", "-c", config_file], capsys)
    assert code == 0, err
    assert f"{NEVER} is not deployed in {REGION}" in out + err and "add" in out
