"""`appstack deploy|plan|status|outputs|events` on the emulator (via AWS_ENDPOINT_URL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cli_runner import run

CLI_REGION = "us-west-2"


@pytest.fixture
def stack(tmp_path: Path) -> str:
    """A stack name of this test's own."""
    return f"cli{tmp_path.name[-6:].replace('_', '')}-dev"


def write_config(tmp_path: Path, region: str = CLI_REGION, name: str = "appstack.yaml") -> str:
    # A Region of their own: preflight counts the VPCs of the Region against the quota of 5,
    # and the engine's tests create theirs in us-east-1 on the same emulator.
    path = tmp_path / name
    path.write_text(
        f"application_name: cli{tmp_path.name[-6:].replace('_', '')}\nregion: {region}\n"
    )
    return str(path)


@pytest.fixture
def config_file(tmp_path: Path, emulator_endpoint: str) -> str:
    return write_config(tmp_path)


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
    assert "CREATE_COMPLETE" in out and "TableName" in out and "47 add" in out
    code, out, _ = run(["deploy", stack, "dev", "--yes", "-c", config_file], capsys)
    assert code == 0 and "no changes" in out
    code, out, _ = run(["status", stack, "-c", config_file], capsys)
    assert "CREATE_COMPLETE" in out
    code, out, _ = run(["outputs", stack, "-c", config_file], capsys)
    assert "ServiceUrl" in out
    code, out, _ = run(["events", stack, "-c", config_file], capsys)
    assert code == 0 and "CREATE_COMPLETE" in out


def test_plan_previews_and_leaves_nothing_behind(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    priced = write_config(tmp_path, region="eu-west-1")  # a plan creates no VPC
    code, out, _ = run(["plan", stack, "dev", "-c", priced], capsys)
    assert code == 0 and "47 add" in out
    assert "/month (+$" in out and "expected duration: 4 min" in out
    code, _, err = run(["status", stack, "-c", priced], capsys)
    assert code == 2 and "does not exist in eu-west-1" in err


def test_plan_where_appstack_has_no_prices_still_previews(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["plan", stack, "dev", "-c", config_file], capsys)
    assert code == 0, err
    assert "47 add" in out and "cost: not estimated" in out and "expected duration" in out


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


def test_preflight_on_a_fresh_stack_name_finds_nothing_in_the_way(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["preflight", stack, "dev", "-c", config_file], capsys)
    assert code == 0, err
    assert "nothing in the account stands in the way" in out


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
    import json

    config_file = write_config(tmp_path, region="eu-west-3")  # VPCs to spare
    argv = ["deploy", stack, "dev", "--yes", "--skip-validate", "-c", config_file]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    code, out, err = run([*argv, "--output", "json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["stack"] == stack and answer["status"] == "CREATE_COMPLETE"
    assert "TableName" in answer["outputs"] and "ServiceUrl" in answer["outputs"]


def test_region_moves_the_template_and_the_checks_with_the_stack(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config says us-east-1, --region eu-west-1: the certificate of the config's Region
    no longer fits, and the load balancer's log bucket trusts eu-west-1's ELB account."""
    from appstack import blueprint
    from appstack.blueprint.shared import elb_log_principal
    from appstack.cli.options import target

    path = tmp_path / "appstack.yaml"
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
    path.write_text(f"region: us-east-1\nenvironments:\n  dev:\n    certificate_arn: {cert}\n")
    code, out, _ = run(
        ["preflight", stack, "dev", "--region", "eu-west-1", "-c", str(path)], capsys
    )
    assert code == 1
    assert "PF004" in out and "the stack in eu-west-1" in out.replace("\n", " ")
    moved = target("dev", 1, path, region="eu-west-1")
    policy = blueprint.to_dict(blueprint.build(moved))["Resources"]["AccessLogBucketPolicy"]
    principals = [s["Principal"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert elb_log_principal("eu-west-1").JSONrepr() in principals
    assert elb_log_principal("us-east-1").JSONrepr() not in principals


def test_a_region_that_is_no_region_code_is_a_usage_error(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["plan", stack, "dev", "--region", "Frankfurt", "-c", config_file], capsys)
    assert code == 2 and "not an AWS Region code" in err


def test_preflight_at_a_phase_asks_what_that_phase_needs(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An AWS Config recorder in the Region stands in the way of phase 2, not of phase 1."""
    import boto3

    region = "ap-southeast-2"  # a Region of its own: a recorder counts for the whole Region
    boto3.client(
        "config",
        region_name=region,
        endpoint_url=emulator_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    config_file = write_config(tmp_path, region=region)
    code, out, err = run(["preflight", stack, "dev", "-c", config_file], capsys)
    assert code == 0, out + err
    code, out, _ = run(["preflight", stack, "dev", "--phase", "2", "-c", config_file], capsys)
    assert code == 1 and "PF003" in out


def test_a_rollback_goes_down_from_the_deployed_phase_and_says_what_it_keeps(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    config_file = write_config(tmp_path, region="sa-east-1")  # VPCs to spare
    code, _, err = run(["rollback", stack, "dev", "--to-phase", "1", "-c", config_file], capsys)
    assert code == 2 and "not deployed" in err
    deploy = ["deploy", stack, "dev", "--phase", "2", "--yes", "--skip-validate"]
    code, _, err = run([*deploy, "-c", config_file], capsys)
    assert code == 0, err
    code, _, err = run(["rollback", stack, "dev", "--to-phase", "2", "-c", config_file], capsys)
    assert code == 2 and "is at phase 2" in err and "would not go down" in err
    rollback = ["rollback", stack, "dev", "--to-phase", "1", "--yes", "--skip-validate"]
    code, out, err = run([*rollback, "--output", "json", "-c", config_file], capsys)
    assert code == 0, err
    # The change summary (what is kept, snapshotted, deleted) goes to stderr: stdout is the
    # JSON answer alone. The cluster's DeletionPolicy is Snapshot: it is not kept.
    [snapshotted] = [line for line in err.splitlines() if line.startswith("deleted after a final")]
    assert "DatabaseCluster" in snapshotted and "kept in the account" in err
    answer = json.loads(out)
    assert answer["status"] == "UPDATE_COMPLETE" and "DatabaseEndpoint" not in answer["outputs"]
    # What the account shows afterwards goes to stderr too.
    assert "Checked in the account" in err and "ConfigBucket" in err


def test_answering_no_at_the_confirmation_changes_nothing(
    stack: str,
    tmp_path: Path,
    emulator_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from appstack import render

    config_file = write_config(tmp_path, region="ap-east-1")  # VPCs to spare
    monkeypatch.setattr(render, "is_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, _, err = run(["deploy", stack, "dev", "--skip-validate", "-c", config_file], capsys)
    assert code == 130 and "Traceback" not in err, err
    code, _, err = run(["status", stack, "-c", config_file], capsys)
    assert code == 2 and "does not exist" in err
