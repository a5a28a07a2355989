"""The tag of a build: the git commit of its directory, `-dirty` when the work tree has
uncommitted changes.

The repository's tags are immutable, so a tag names one build for good: a dirty build also
carries the time it was built (UTC, to the second), or a second dirty build of the same
commit could never be pushed. Outside a git work tree the tag is `build-` and that time.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def stamp(now: float | None = None) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() if now is None else now))


def tag(directory: Path, now: float | None = None) -> str:
    """The tag of a build of `directory` (see the module's description)."""
    commit = _git(directory, "rev-parse", "--short=12", "HEAD")
    if commit is None:
        return f"build-{stamp(now)}"
    changes = _git(directory, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    return f"{commit}-dirty-{stamp(now)}" if changes else commit
