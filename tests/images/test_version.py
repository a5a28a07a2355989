"""The tag of a build: the git commit, `-dirty` and the time for uncommitted changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from appstack.images import version

NOON = 1_795_000_000.0  # a fixed moment, so the tag is known


def commit(folder: Path) -> str:
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    if not (folder / ".git").exists():
        subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    done = subprocess.run(
        [*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_clean_work_tree_is_tagged_with_its_commit(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    head = commit(tmp_path)
    assert version.tag(tmp_path, NOON) == head


def test_uncommitted_changes_add_dirty_and_the_time(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    head = commit(tmp_path)
    (tmp_path / "index.html").write_text("new")
    assert version.tag(tmp_path, NOON) == f"{head}-dirty-{version.stamp(NOON)}"
    assert version.tag(tmp_path, NOON + 1) != version.tag(tmp_path, NOON)  # immutable tags


def test_outside_git_the_tag_is_the_time(tmp_path: Path) -> None:
    assert version.tag(tmp_path, NOON) == f"build-{version.stamp(NOON)}"


def test_every_tag_is_one_ecr_takes(tmp_path: Path) -> None:
    """ECR image tags: letters, digits, `_.-`, at most 128, not starting with `.` or `-`
    (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html)."""
    import re

    pattern = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert pattern.match(version.tag(tmp_path, NOON))
    commit(tmp_path)
    (tmp_path / "x").write_text("x")
    assert pattern.match(version.tag(tmp_path, NOON))
