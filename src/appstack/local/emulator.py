"""Start, stop and find the local emulator: a background moto server with a pid file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from appstack.errors import AppstackError

DEFAULT_PORT = 4599
HOST = "127.0.0.1"
STATE_DIR = Path(".appstack")


class EmulatorError(AppstackError):
    """The emulator could not be started or reached."""


@dataclass(frozen=True)
class Emulator:
    pid: int | None
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.pid is not None and _alive(self.pid) and _listening(self.port)


def port_from_env(port: int | None = None) -> int:
    return port or int(os.environ.get("APPSTACK_LOCAL_PORT", DEFAULT_PORT))


def _pid_file(port: int) -> Path:
    return STATE_DIR / f"emulator-{port}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def status(port: int | None = None) -> Emulator:
    port = port_from_env(port)
    path = _pid_file(port)
    pid = int(path.read_text()) if path.exists() else None
    return Emulator(pid if pid and _alive(pid) else None, port)


def start(port: int | None = None, timeout: float = 15.0) -> Emulator:
    """Start the emulator in the background unless it runs already."""
    current = status(port)
    if current.running:
        return current
    if _listening(current.port):
        raise EmulatorError(
            f"port {current.port} is taken by another program; "
            "pass --port or set APPSTACK_LOCAL_PORT"
        )
    STATE_DIR.mkdir(exist_ok=True)
    log = (STATE_DIR / f"emulator-{current.port}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "appstack.local.server", "-H", HOST, "-p", str(current.port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _pid_file(current.port).write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError(f"the emulator exited; see {log.name}")
        if _listening(current.port):
            return Emulator(process.pid, current.port)
        time.sleep(0.1)
    raise EmulatorError(f"the emulator did not answer within {timeout:.0f}s; see {log.name}")


def stop(port: int | None = None) -> bool:
    """Stop the emulator started by `start`; False when none was running."""
    current = status(port)
    _pid_file(current.port).unlink(missing_ok=True)
    if current.pid is None:
        return False
    os.kill(current.pid, signal.SIGTERM)
    for _ in range(50):
        if not _alive(current.pid):
            break
        time.sleep(0.1)
    return True
