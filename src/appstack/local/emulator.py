"""Start, stop and find the local emulator: a background moto server, known by its port.

What runs on which port is kept in the user's state directory ($XDG_STATE_HOME/appstack, or
~/.local/state/appstack), one file a port, so the emulator is found from any directory. A
process is signalled only once its command line shows it is the emulator of that port: a
state file left behind by a machine restart may name a PID that is now another program.
The state file records the command line the emulator was started with; a process is the
emulator only while its command line is that one. The emulator keeps its AWS state in
memory: a stop loses it, and a start begins empty.

Beside it runs the local OCI registry that stands in for ECR (`local.registry`), when
`docker-registry` is installed: started first, named to the emulator's ECR, recorded in the
same state file and stopped with it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from appstack.errors import AppstackError, UsageError
from appstack.local import registry as oci

DEFAULT_PORT = 4599
#: The emulator listens on this machine only, as its registry does.
HOST = oci.HOST
MODULE = "appstack.local.server"
#: The emulator's time scale (see fidelity rule EM207): 0 makes every resource instant.
TIME_SCALE_ENV = "APPSTACK_TIME_SCALE"


class EmulatorError(AppstackError):
    """The emulator could not be started or reached."""


@dataclass(frozen=True)
class Emulator:
    pid: int | None
    port: int
    time_scale: float = 0.0
    #: host:port of the local registry that stands in for ECR (None: not running).
    registry: str | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.pid is not None and oci.listening(self.port)


def port_from_env(port: int | None = None) -> int:
    if port:
        return port
    text = os.environ.get("APPSTACK_LOCAL_PORT") or str(DEFAULT_PORT)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise UsageError(
            f"APPSTACK_LOCAL_PORT={text!r} is not a port; set it to a number from 1 to 65535, "
            f"or unset it (default {DEFAULT_PORT})"
        )
    return int(text)


def state_dir() -> Path:
    """Where the emulators' state files and logs live: $XDG_STATE_HOME/appstack, or
    ~/.local/state/appstack (the XDG Base Directory default)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "appstack"


def _state_file(port: int) -> Path:
    return state_dir() / f"emulator-{port}.json"


def log_file(port: int) -> Path:
    return state_dir() / f"emulator-{port}.log"


def _command_line(pid: int) -> list[str]:
    """The command line of process `pid` ([] if there is none or it cannot be read)."""
    proc = Path(f"/proc/{pid}/cmdline")
    if proc.parent.exists():
        try:
            return [part for part in proc.read_bytes().decode(errors="replace").split("\0") if part]
        except OSError:
            return []
    try:  # no /proc (macOS): ask ps
        found = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
    except OSError:
        return []
    return found.stdout.split()


def is_emulator(pid: int, command: list[str]) -> bool:
    """Whether process `pid` runs `command` (the emulator's command line, as started)."""
    return bool(command) and " ".join(_command_line(pid)) == " ".join(command)


def command(port: int) -> list[str]:
    """The command line of the emulator of `port`."""
    return [sys.executable, "-m", MODULE, "-H", HOST, "-p", str(port)]


def register(
    port: int,
    pid: int,
    argv: list[str],
    time_scale: float = 0.0,
    directory: Path | None = None,
    registry: oci.Registry | None = None,
) -> None:
    """Record that process `pid`, started as `argv`, is the emulator of `port` (in
    `directory`, by default the state directory), with its `registry`."""
    where = directory or state_dir()
    where.mkdir(parents=True, exist_ok=True)
    state: dict[str, object] = {"pid": pid, "port": port, "time_scale": time_scale, "command": argv}
    if registry is not None:
        state["registry"] = _recorded(registry)
    (where / f"emulator-{port}.json").write_text(json.dumps(state))


def _recorded(registry: oci.Registry) -> dict[str, object]:
    """How the state file records `registry` (what `_stop_registry` reads)."""
    return {
        "pid": registry.pid,
        "port": registry.port,
        "directory": str(registry.directory),
        "command": list(registry.command),
    }


def _read_state(port: int) -> dict[str, object]:
    try:
        data = json.loads(_state_file(port).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def status(port: int | None = None) -> Emulator:
    """The emulator of `port` as its state file and the process table say (pid None: none)."""
    port = port_from_env(port)
    state = _read_state(port)
    pid, argv, scale = state.get("pid"), state.get("command"), state.get("time_scale", 0.0)
    if not (isinstance(argv, list) and all(isinstance(part, str) for part in argv)):
        argv = None  # a state file appstack did not write as it is
    if not (isinstance(pid, int) and argv and is_emulator(pid, argv)):
        return Emulator(None, port)
    running = _registry_state(state)
    host = f"{oci.HOST}:{running['port']}" if running else None
    return Emulator(pid, port, float(scale) if isinstance(scale, int | float) else 0.0, host)


def _registry_state(state: dict[str, object]) -> dict[str, object] | None:
    """The registry the state file records, if that process still runs it."""
    found = state.get("registry")
    if not isinstance(found, dict):
        return None
    pid, argv = found.get("pid"), found.get("command")
    if not (isinstance(pid, int) and isinstance(argv, list) and isinstance(found.get("port"), int)):
        return None
    return found if is_emulator(pid, [str(part) for part in argv]) else None


def start(
    port: int | None = None, timeout: float = 15.0, time_scale: float | None = None
) -> Emulator:
    """Start the emulator in the background unless it runs already (the one running keeps
    its time scale; `time_scale` None means instant for a new one)."""
    current = status(port)
    if current.running:
        return current
    if oci.listening(current.port):
        raise EmulatorError(
            f"port {current.port} is taken by another program; "
            "pass --port or set APPSTACK_LOCAL_PORT"
        )
    if time_scale is not None and time_scale < 0:
        raise EmulatorError(f"--time-scale {time_scale} is negative; pass 0 (instant) or more")
    scale = time_scale or 0.0
    state_dir().mkdir(parents=True, exist_ok=True)
    log_path = log_file(current.port)
    argv = command(current.port)
    env = {**os.environ, TIME_SCALE_ENV: str(scale)}
    _stop_registry(_read_state(current.port))  # the registry of an emulator that died
    with log_path.open("ab") as log:
        try:
            registry = oci.start(log)
        except oci.RegistryError as exc:
            raise EmulatorError(
                f"the local registry did not start ({exc}); see {log_path}"
            ) from None
        if registry is not None:
            env[oci.ENV] = registry.host
        try:
            process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
            )
        except OSError:
            if registry is not None:
                _stop_registry({"registry": _recorded(registry)})
            raise
    register(current.port, process.pid, argv, scale, registry=registry)
    host = registry.host if registry else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stop(current.port)
            raise EmulatorError(f"the emulator exited; see {log_path}")
        if oci.listening(current.port):
            return Emulator(process.pid, current.port, scale, host)
        time.sleep(0.1)
    raise EmulatorError(f"the emulator did not answer within {timeout:.0f}s; see {log_path}")


def stop(port: int | None = None) -> bool:
    """Stop the emulator of `port`; False when none was running. A state file whose process
    is not the emulator (any more) is removed without signalling anything."""
    current = status(port)
    _stop_registry(_read_state(current.port))
    _state_file(current.port).unlink(missing_ok=True)
    if current.pid is None:
        return False
    os.kill(current.pid, signal.SIGTERM)
    for _ in range(50):
        if not _command_line(current.pid):  # gone (or a zombie its parent has to reap)
            break
        time.sleep(0.1)
    return True


def _stop_registry(state: dict[str, object]) -> None:
    """Stop the registry the state file records (if it still runs it); remove its folder."""
    found = _registry_state(state)
    if found is not None:
        pid = found["pid"]
        assert isinstance(pid, int)
        os.kill(pid, signal.SIGTERM)
    recorded = state.get("registry")
    folder = recorded.get("directory") if isinstance(recorded, dict) else None
    if isinstance(folder, str) and Path(folder).name.startswith("appstack-registry-"):
        shutil.rmtree(folder, ignore_errors=True)
