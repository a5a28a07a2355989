"""The local OCI registry beside the emulator: started with it (when installed), named to its
ECR, and stopped with it, its temporary folder removed."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appstack.local import emulator, registry
from images.builder_env import needs_builder


def test_the_configuration_serves_plain_http_on_loopback_from_its_own_folder(
    tmp_path: Path,
) -> None:
    config = json.loads(registry.configuration(5123, tmp_path / "storage"))
    assert config["http"]["addr"] == "127.0.0.1:5123"
    assert config["storage"]["filesystem"]["rootdirectory"] == str(tmp_path / "storage")
    assert "tls" not in config["http"]


def test_without_docker_registry_there_is_no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "binary", lambda: None)
    assert registry.start() is None


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    yield port
    emulator.stop(port)


@needs_builder
def test_local_start_runs_the_registry_and_local_stop_ends_it(state_home: int) -> None:
    started = emulator.start(state_home)
    assert started.registry is not None
    assert emulator.status(state_home).registry == started.registry
    state = json.loads((emulator.state_dir() / f"emulator-{state_home}.json").read_text())
    folder, pid = Path(state["registry"]["directory"]), state["registry"]["pid"]
    assert folder.is_dir()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", int(started.registry.split(":")[1]))) == 0
    assert emulator.stop(state_home)
    assert not folder.exists()
    command = state["registry"]["command"]
    deadline = time.monotonic() + 5
    while emulator.is_emulator(pid, command) and time.monotonic() < deadline:
        time.sleep(0.1)  # a zombie (our child) has no command line any more
    assert not emulator.is_emulator(pid, command)
