"""The builders appstack drives: docker, podman and buildah, found in that order (or named).

Each builds `DIR/Dockerfile` into a local image and pushes it to a registry, reporting the
digest the registry stored: what the task definition then names. docker needs its daemon
(a docker client without one is passed over); podman and buildah need none. buildah builds
with chroot isolation unless BUILDAH_ISOLATION says otherwise: it needs no daemon and no
user namespaces, so it runs in a container too.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from appstack.errors import AppstackError, UsageError

#: The order in which a builder is looked for.
BUILDERS = ("docker", "podman", "buildah")
#: Lines of the builder's output a failure shows.
TAIL_LINES = 30
_DIGEST = re.compile(r"digest: (sha256:[0-9a-f]{64})")

#: Takes each line the builder prints.
OnLine = Callable[[str], None]


class NoBuilder(UsageError):
    """No builder on this machine, or not the one named."""


class BuildError(AppstackError):
    """The builder failed: the message holds what it printed last."""

    def __init__(self, step: str, command: list[str], output: list[str]) -> None:
        self.step, self.command, self.output = step, command, output
        tail = "\n".join(output[-TAIL_LINES:]) or "(no output)"
        super().__init__(f"{step} failed ({' '.join(command[:2])} ...):\n{tail}")


@dataclass(frozen=True, kw_only=True)
class Registry:
    """Where a push goes, and how to sign in: `host` as images name it."""

    host: str
    username: str
    password: str
    #: False for a plain-HTTP registry on this machine (the emulator's).
    tls: bool = True

    @property
    def auth(self) -> str:
        """`username:password`, base64, as registry auth files hold it."""
        return base64.b64encode(f"{self.username}:{self.password}".encode()).decode()


@dataclass(frozen=True)
class Builder:
    name: str
    path: str

    def build(self, directory: Path, image: str, on_line: OnLine) -> None:
        """Build `directory/Dockerfile` (context `directory`) as the local image `image`."""
        dockerfile = directory / "Dockerfile"
        if not dockerfile.is_file():
            raise UsageError(
                f"{dockerfile} does not exist: --build DIR names a directory with a Dockerfile"
            )
        command = [self.path, "build", "-t", image, "-f", str(dockerfile)]
        if self.name == "buildah" and not os.environ.get("BUILDAH_ISOLATION"):
            command += ["--isolation", "chroot"]
        run("build", [*command, str(directory)], on_line)

    def push(self, image: str, destination: str, registry: Registry, on_line: OnLine) -> str:
        """Push the local `image` as `destination` (host/repository:tag); the digest stored."""
        if self.name == "docker":
            login = [self.path, "login", "--username", registry.username, "--password-stdin"]
            run("login", [*login, registry.host], on_line, stdin=registry.password)
            run("tag", [self.path, "tag", image, destination], on_line)
            lines = run("push", [self.path, "push", destination], on_line)
            found = [m.group(1) for line in lines for m in [_DIGEST.search(line)] if m]
            if not found:
                raise BuildError("push", [self.path, "push"], [*lines, "(no digest in the output)"])
            return found[-1]
        with tempfile.TemporaryDirectory(prefix="appstack-push-") as folder:
            # The credentials go in a file only this user reads, never on the command line.
            auth_file = Path(folder) / "auth.json"
            auth_file.write_text(json.dumps({"auths": {registry.host: {"auth": registry.auth}}}))
            auth_file.chmod(0o600)
            digest_file = Path(folder) / "digest"
            command = [
                self.path,
                "push",
                "--authfile",
                str(auth_file),
                "--digestfile",
                str(digest_file),
                f"--tls-verify={'true' if registry.tls else 'false'}",
                image,
                f"docker://{destination}",
            ]
            run("push", command, on_line)
            return digest_file.read_text().strip()


def _usable(name: str, path: str) -> bool:
    """docker needs its daemon; the others run on their own."""
    if name != "docker":
        return True
    try:
        return (
            subprocess.run([path, "info"], capture_output=True, check=False, timeout=20).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def find(name: str | None = None) -> Builder:
    """The builder `name`, or the first usable one of `BUILDERS`; NoBuilder says how to get one."""
    if name is not None and name not in BUILDERS:
        raise NoBuilder(
            f"--builder {name!r} is not one appstack drives; use one of {', '.join(BUILDERS)}"
        )
    for candidate in (name,) if name else BUILDERS:
        path = shutil.which(candidate)
        if path and _usable(candidate, path):
            return Builder(candidate, path)
    if name:
        raise NoBuilder(
            f"--builder {name}: {name} is not installed here (or its daemon does not answer)"
        )
    raise NoBuilder(
        "no image builder found (docker with its daemon, podman or buildah); install one, "
        "for example: apt-get install buildah"
    )


def available(name: str | None = None) -> Builder | None:
    """The builder `find` would use, or None."""
    try:
        return find(name)
    except NoBuilder:
        return None


def run(
    step: str,
    command: list[str],
    on_line: OnLine,
    stdin: str | None = None,
) -> list[str]:
    """Run `command`, handing each output line to `on_line`; BuildError with the output if it
    fails."""
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        raise BuildError(step, command, [str(exc)]) from None
    if stdin is not None and process.stdin is not None:
        try:
            process.stdin.write(stdin)
            process.stdin.close()
        except BrokenPipeError:  # it exited without reading: its output says why
            pass
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.rstrip("\n")
        lines.append(line)
        on_line(line)
    if process.wait() != 0:
        raise BuildError(step, command, lines)
    return lines
