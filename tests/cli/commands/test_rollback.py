"""`appstack rollback` on the emulator: down from the deployed phase, saying what it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run, write_config


def test_a_rollback_goes_down_from_the_deployed_phase_and_says_what_goes_and_how(
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
    # JSON answer alone. The cluster's DeletionPolicy is Snapshot: it is not kept; phase 2's
    # log groups go with their events (the Config bucket is the account baseline's now).
    [snapshotted] = [line for line in err.splitlines() if line.startswith("deleted after a final")]
    assert "DatabaseCluster" in snapshotted
    [deleted] = [line for line in err.splitlines() if line.startswith("deleted: ")]
    assert "with their data" in deleted and "WebAclLogGroup" in deleted
    answer = json.loads(out)
    assert answer["status"] == "UPDATE_COMPLETE" and "DatabaseEndpoint" not in answer["outputs"]
    # What the account shows afterwards goes to stderr too.
    assert "Checked in the account" in err
