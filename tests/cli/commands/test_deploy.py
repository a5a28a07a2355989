"""`appstack deploy` on the emulator (via AWS_ENDPOINT_URL): checks first, a confirmation, the
change set, its outcome; a declined confirmation is nothing done, not an error."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from appstack import render
from cli_runner import CLI_REGION, run, write_config


def test_deploy_without_a_terminal_needs_yes(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["deploy", stack, "dev", "-c", config_file], capsys)
    assert code == 1 and "pass --yes" in err


def test_deploy_then_redeploy_reports_no_changes_and_the_outputs(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["deploy", stack, "dev", "--yes", "-c", config_file], capsys)
    assert code == 0, err
    assert "CREATE_COMPLETE" in out and "TableName" in out and "49 add" in out
    code, out, _ = run(["deploy", stack, "dev", "--yes", "-c", config_file], capsys)
    assert code == 0 and "no changes" in out
    code, out, _ = run(["status", stack, "-c", config_file], capsys)
    assert "CREATE_COMPLETE" in out
    code, out, _ = run(["outputs", stack, "-c", config_file], capsys)
    assert "ServiceUrl" in out
    code, out, _ = run(["events", stack, "-c", config_file], capsys)
    assert code == 0 and "CREATE_COMPLETE" in out


def test_deploy_stops_before_changing_anything_when_a_check_fails(
    stack: str, config_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["deploy", stack, "dev", "--yes", "-c", config_file], capsys)
    assert code == 0, err
    other = tmp_path / "other.yaml"
    other.write_text(f"application_name: billing\nregion: {CLI_REGION}\n")
    code, out, err = run(["deploy", stack, "dev", "--yes", "-c", str(other)], capsys)
    assert code == 1
    assert "PF002" in out and "nothing was changed" in err


def test_skipping_validation_says_so_loudly(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["plan", stack, "dev", "-c", config_file], capsys)
    code, _, err = run(
        ["deploy", stack, "dev", "--yes", "--skip-validate", "-c", config_file], capsys
    )
    assert code == 0 and "NOT checked" in err


def test_skipping_validation_does_not_load_cfn_lint(stack: str, config_file: str) -> None:
    code = (
        "import sys; from appstack.cli import main\n"
        "try: main(['deploy', sys.argv[1], 'dev', '--yes', '--skip-validate', '-c', sys.argv[2]])\n"
        "except SystemExit as exc: assert not exc.code, exc.code\n"
        "print('cfnlint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, stack, config_file], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_preflight_asks_the_account_while_validate_works(
    stack: str,
    tmp_path: Path,
    emulator_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Preflight waits (up to 10 s) for validate to start: run one after the other, the
    deploy would stop on preflight's complaint."""
    import threading

    from appstack.checks import preflight, validate
    from appstack.checks.findings import Finding

    validating = threading.Event()
    ask, check = preflight.ask, validate.validate

    def patient_ask(*args: Any) -> tuple[list[Finding], dict[str, Any] | None]:
        if not validating.wait(timeout=10):
            return [Finding("PF999", "error", "", "preflight ran alone", "")], None
        return ask(*args)

    def signalling_validate(*args: Any) -> validate.Report:
        validating.set()
        return check(*args)

    monkeypatch.setattr(preflight, "ask", patient_ask)
    monkeypatch.setattr(validate, "validate", signalling_validate)
    config_file = write_config(tmp_path, region="eu-central-1")  # a Region with VPCs to spare
    code, out, err = run(["deploy", stack, "dev", "--yes", "-c", config_file], capsys)
    assert code == 0, out + err
    assert "PF999" not in out


def test_a_no_change_deploy_answers_in_json_when_asked(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:

    config_file = write_config(tmp_path, region="eu-west-3")  # VPCs to spare
    argv = ["deploy", stack, "dev", "--yes", "--skip-validate", "-c", config_file]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    code, out, err = run([*argv, "--output", "json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["stack"] == stack and answer["status"] == "CREATE_COMPLETE"
    assert "TableName" in answer["outputs"] and "ServiceUrl" in answer["outputs"]


@pytest.fixture
def answering_no(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal, on which the user answers no."""
    monkeypatch.setattr(render, "is_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))


def test_answering_no_at_the_confirmation_changes_nothing_and_is_no_error(
    stack: str,
    tmp_path: Path,
    emulator_endpoint: str,
    answering_no: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_file = write_config(tmp_path, region="ap-east-1")  # VPCs to spare
    code, _, err = run(["deploy", stack, "dev", "--skip-validate", "-c", config_file], capsys)
    assert code == 130, err  # the README's exit code of a declined confirmation
    assert "error" not in err.lower() and "Traceback" not in err
    assert "not confirmed: stopped before making the change" in err
    code, _, err = run(["status", stack, "-c", config_file], capsys)
    assert code == 2 and "does not exist" in err
