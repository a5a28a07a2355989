"""The builders: found in order (docker only with its daemon), driven with the right
arguments, credentials never on the command line, and a failure that shows the output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from appstack.errors import UsageError
from appstack.images import builders


def fake(folder: Path, name: str, script: str) -> Path:
    """An executable `name` in `folder` that runs the shell `script`."""
    path = folder / name
    path.write_text(f"#!/bin/sh\nPATH=/usr/bin:/bin\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_docker_is_found_first_when_its_daemon_answers(bin_dir: Path) -> None:
    fake(bin_dir, "docker", "exit 0")
    fake(bin_dir, "buildah", "exit 0")
    assert builders.find().name == "docker"


def test_a_docker_client_without_its_daemon_is_passed_over(bin_dir: Path) -> None:
    fake(bin_dir, "docker", 'echo "Cannot connect to the Docker daemon" >&2; exit 1')
    fake(bin_dir, "podman", "exit 0")
    fake(bin_dir, "buildah", "exit 0")
    assert builders.find().name == "podman"


def test_a_named_builder_is_used_or_refused_with_what_to_do(bin_dir: Path) -> None:
    fake(bin_dir, "podman", "exit 0")
    fake(bin_dir, "buildah", "exit 0")
    assert builders.find("buildah").name == "buildah"
    with pytest.raises(builders.NoBuilder, match="docker is not installed"):
        builders.find("docker")
    with pytest.raises(builders.NoBuilder, match="one of docker, podman, buildah"):
        builders.find("kaniko")


def test_no_builder_says_how_to_install_one(bin_dir: Path) -> None:
    with pytest.raises(builders.NoBuilder, match="apt-get install buildah") as raised:
        builders.find()
    assert raised.value.exit_code == 2
    assert builders.available() is None


def test_a_failed_build_shows_the_builder_output(bin_dir: Path, tmp_path: Path) -> None:
    path = fake(
        bin_dir, "buildah", 'echo "STEP 2/2: COPY missing.txt"; echo "no such file" >&2; exit 125'
    )
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    seen: list[str] = []
    with pytest.raises(builders.BuildError) as raised:
        builders.Builder("buildah", str(path)).build(tmp_path, "localhost/app:1", seen.append)
    assert raised.value.step == "build"
    assert "COPY missing.txt" in str(raised.value) and "no such file" in str(raised.value)
    assert seen == ["STEP 2/2: COPY missing.txt", "no such file"]


def test_a_directory_without_a_dockerfile_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Dockerfile does not exist"):
        builders.Builder("buildah", "/bin/false").build(tmp_path, "localhost/app:1", print)


def test_buildah_builds_with_chroot_isolation_unless_told_otherwise(
    bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "args"
    path = fake(bin_dir, "buildah", f'echo "$@" > {record}')
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.delenv("BUILDAH_ISOLATION", raising=False)
    builders.Builder("buildah", str(path)).build(tmp_path, "localhost/app:1", print)
    assert "--isolation chroot" in record.read_text()
    monkeypatch.setenv("BUILDAH_ISOLATION", "oci")
    builders.Builder("buildah", str(path)).build(tmp_path, "localhost/app:1", print)
    assert "--isolation" not in record.read_text()


def test_a_push_signs_in_through_a_private_file_and_reports_the_stored_digest(
    bin_dir: Path, tmp_path: Path
) -> None:
    """The password never appears in the command line (other users can read /proc)."""
    record = tmp_path / "push"
    script = (
        f'echo "$@" > {record}; while [ $# -gt 0 ]; do case "$1" in '
        '--authfile) cp "$2" ' + str(tmp_path / "auth.json") + "; "
        'stat -c %a "$2" > ' + str(tmp_path / "mode") + "; shift;; "
        '--digestfile) printf sha256:%064d 7 > "$2"; shift;; esac; shift; done'
    )
    path = fake(bin_dir, "podman", script)
    registry = builders.Registry(
        host="127.0.0.1:5000", username="AWS", password="s3cret", tls=False
    )
    digest = builders.Builder("podman", str(path)).push(
        "localhost/app:1", "127.0.0.1:5000/app:1", registry, print
    )
    assert digest == "sha256:" + "0" * 63 + "7"
    argv = record.read_text()
    assert "s3cret" not in argv and "--tls-verify=false" in argv
    assert "docker://127.0.0.1:5000/app:1" in argv
    auth = json.loads((tmp_path / "auth.json").read_text())
    assert auth == {"auths": {"127.0.0.1:5000": {"auth": registry.auth}}}
    assert (tmp_path / "mode").read_text().strip() == "600"


def test_docker_signs_in_on_stdin_and_reads_the_digest_from_its_push(
    bin_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    script = (
        f'echo "$1 $*" >> {log}; '
        f'if [ "$1" = login ]; then cat >> {log}; echo >> {log}; fi; '
        'if [ "$1" = push ]; then echo "1: digest: sha256:' + "b" * 64 + ' size: 528"; fi'
    )
    path = fake(bin_dir, "docker", script)
    registry = builders.Registry(
        host="123.dkr.ecr.eu-west-1.amazonaws.com", username="AWS", password="s3cret"
    )
    digest = builders.Builder("docker", str(path)).push(
        "localhost/app:1", "123.dkr.ecr.eu-west-1.amazonaws.com/app:1", registry, print
    )
    assert digest == "sha256:" + "b" * 64
    lines = log.read_text().splitlines()
    assert lines[0].startswith("login ") and "s3cret" not in lines[0]
    assert lines[1] == "s3cret"  # on stdin
    assert os.path.basename(lines[-1].split()[0]) == "push"
