"""`appstack local start|status|stop`: a background emulator with a pid file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from appstack.cli import main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(argv)
    return capsys.readouterr().out


def test_start_status_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    port = str(free_port())
    assert f"127.0.0.1:{port}" in run(["local", "start", "--port", port], capsys)
    assert (tmp_path / ".appstack" / f"emulator-{port}.pid").exists()
    status = run(["local", "status", "--port", port], capsys)
    assert "running" in status
    assert "AWS::XRay::SamplingRule" in status  # recorded only: moto has no sampling rules
    assert "AWS::WAFv2::WebACL" not in status  # created in moto's WAFv2 backend
    assert "stopped" in run(["local", "stop", "--port", port], capsys)
    assert "stopped" in run(["local", "status", "--port", port], capsys)
