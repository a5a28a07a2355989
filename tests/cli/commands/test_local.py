"""`appstack local start|status|stop`: a background emulator, found by its port from any
directory through the user's state directory ($XDG_STATE_HOME/appstack)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from appstack.cli import main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "appstack"


def test_an_emulator_started_in_one_folder_is_found_and_stopped_from_another(
    tmp_path: Path,
    state_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    port = str(free_port())
    monkeypatch.chdir(tmp_path / "one")
    started = run(["local", "start", "--port", port, "--time-scale", "0.5"], capsys)
    assert f"127.0.0.1:{port}" in started and "time scale 0.5" in started
    assert "starts empty" in started  # its state lives in memory only
    assert json.loads((state_home / f"emulator-{port}.json").read_text())["time_scale"] == 0.5
    assert not (tmp_path / "one" / ".appstack").exists()
    monkeypatch.chdir(tmp_path / "two")
    status = run(["local", "status", "--port", port], capsys)
    assert "running" in status and "time scale 0.5" in status
    assert "AWS::XRay::SamplingRule" in status  # recorded only: moto has no sampling rules
    assert "AWS::WAFv2::WebACL" not in status  # created in moto's WAFv2 backend
    again = run(["local", "start", "--port", port, "--time-scale", "2"], capsys)
    assert "already running" in again and "time scale 0.5" in again
    assert "stop it first to change its time scale" in again
    cfn = boto3.client(
        "cloudformation",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfn.create_stack(
        StackName="slow", TemplateBody=json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}})
    )
    # the time scale reached the emulator: an SNS topic takes 4 s x 0.5
    assert cfn.describe_stacks(StackName="slow")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    assert "stopped" in run(["local", "stop", "--port", port], capsys)
    assert "stopped" in run(["local", "status", "--port", port], capsys)
    assert not (state_home / f"emulator-{port}.json").exists()


def test_stop_never_signals_a_process_that_is_not_the_emulator(
    state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        state_home.mkdir(parents=True)
        (state_home / f"emulator-{port}.json").write_text(
            json.dumps(
                {
                    "pid": other.pid,
                    "port": port,
                    "time_scale": 0,
                    "command": [
                        sys.executable,
                        "-m",
                        "appstack.local.server",
                        "-H",
                        "127.0.0.1",
                        "-p",
                        str(port),
                    ],
                }
            )
        )
        assert "not running" in run(["local", "stop", "--port", str(port)], capsys)
        time.sleep(0.2)
        assert other.poll() is None  # still alive: it was never signalled
        os.kill(other.pid, 0)
        assert not (state_home / f"emulator-{port}.json").exists()  # the stale file is gone
        assert "stopped" in run(["local", "status", "--port", str(port)], capsys)
    finally:
        other.kill()
        other.wait()


def test_a_negative_time_scale_is_refused(
    state_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["local", "start", "--port", str(free_port()), "--time-scale", "-1"])
    assert exited.value.code == 2
    assert "-1" in capsys.readouterr().err


def test_start_stops_the_registry_an_emulator_that_died_left_running(
    state_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from appstack.local import emulator, registry

    port = free_port()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [sys.executable, "-c", "import time; time.sleep(60)"]
    orphan = subprocess.Popen(left)
    folder = state_home.parent / "appstack-registry-left"
    folder.mkdir(parents=True)
    try:
        state_home.mkdir(parents=True, exist_ok=True)
        recorded = {"pid": orphan.pid, "port": 1, "directory": str(folder), "command": left}
        (state_home / f"emulator-{port}.json").write_text(
            json.dumps(
                {
                    "pid": dead.pid,
                    "port": port,
                    "time_scale": 0,
                    "command": emulator.command(port),
                    "registry": recorded,
                }
            )
        )
        monkeypatch.setattr(registry, "start", lambda log: None)  # no new one: not the point
        run(["local", "start", "--port", str(port)], capsys)
        assert orphan.wait(timeout=5) is not None  # stopped, not left behind
        assert not folder.exists()
    finally:
        run(["local", "stop", "--port", str(port)], capsys)
        orphan.kill()
        orphan.wait()
