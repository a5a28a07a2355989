"""What the tests that really build need: buildah and docker-registry, or a clear skip; and
buildah's storage in a folder of the test's own (vfs, chroot isolation: no daemon)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MISSING = [name for name in ("buildah", "docker-registry") if shutil.which(name) is None]
needs_builder = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{' and '.join(MISSING)} not installed (apt-get install buildah docker-registry)",
)


@contextmanager
def buildah_storage(folder: Path) -> Iterator[None]:
    """buildah with vfs storage under `folder` and chroot isolation, for the duration."""
    conf = folder / "storage.conf"
    conf.write_text(
        f'[storage]\ndriver = "vfs"\ngraphroot = "{folder / "graph"}"\n'
        f'runroot = "{folder / "run"}"\n'
    )
    saved = {k: os.environ.get(k) for k in ("CONTAINERS_STORAGE_CONF", "BUILDAH_ISOLATION")}
    os.environ.update(CONTAINERS_STORAGE_CONF=str(conf), BUILDAH_ISOLATION="chroot")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def app_repository(folder: Path, text: str) -> Path:
    """A git work tree with a Dockerfile that builds offline (FROM scratch, one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY index.html /index.html\n")
    (folder / "index.html").write_text(text)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    if not (folder / ".git").exists():
        subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", text], check=True)
    return folder
