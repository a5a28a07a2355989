"""The local OCI registry that stands in for ECR beside the emulator.

Debian's `docker-registry` package (the upstream distribution registry,
https://distribution.github.io/distribution/about/configuration/) serves plain HTTP on
127.0.0.1, on a free port, from a configuration file and a storage folder in a temporary
directory of its own: like the emulator's state, its images are gone once it stops. The
emulator's ECR names it as the registry of every repository (`models.ecr`), so a push
goes there and a task definition names `127.0.0.1:PORT/<repository>@sha256:...`.

Optional: without the binary the emulator runs without a registry, and a `--build` against
it says how to install one.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

BINARY = "docker-registry"
HOST = "127.0.0.1"
#: The environment variable that tells the emulator's ECR the registry's host:port.
ENV = "APPSTACK_LOCAL_REGISTRY"
INSTALL = "apt-get install docker-registry"


class RegistryError(Exception):
    """The registry did not start (its log says why)."""


@dataclass(frozen=True)
class Registry:
    pid: int
    port: int
    #: The temporary directory of its configuration and storage.
    directory: Path
    command: tuple[str, ...]

    @property
    def host(self) -> str:
        return f"{HOST}:{self.port}"


def binary() -> str | None:
    """The registry's binary, None when it is not installed."""
    return shutil.which(BINARY)


def configuration(port: int, storage: Path) -> str:
    """The registry's configuration (YAML; JSON is YAML): HTTP on 127.0.0.1:`port`, images
    under `storage`, deletes allowed (ECR's BatchDeleteImage)."""
    import json

    config = {
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(storage)}, "delete": {"enabled": True}},
        "http": {"addr": f"{HOST}:{port}"},
    }
    return json.dumps(config, indent=2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def listening(port: int) -> bool:
    """Whether something answers on 127.0.0.1:`port` (the registry, or the emulator)."""
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def start(log: IO[bytes] | int = subprocess.DEVNULL, timeout: float = 10.0) -> Registry | None:
    """Start a registry in the background; None when `docker-registry` is not installed."""
    path = binary()
    if path is None:
        return None
    directory = Path(tempfile.mkdtemp(prefix="appstack-registry-"))
    port = _free_port()
    config = directory / "config.yml"
    config.write_text(configuration(port, directory / "storage"))
    command = (path, "serve", str(config))
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            shutil.rmtree(directory, ignore_errors=True)
            raise RegistryError(f"{BINARY} exited with {process.returncode}")
        if listening(port):
            return Registry(process.pid, port, directory, command)
        time.sleep(0.05)
    process.kill()
    shutil.rmtree(directory, ignore_errors=True)
    raise RegistryError(f"{BINARY} did not answer on {HOST}:{port} within {timeout:.0f}s")
