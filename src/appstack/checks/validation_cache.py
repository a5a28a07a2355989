"""The validation cache: a template already checked clean is not checked again.

A result is stored under a key made of everything it depends on: the template (its
canonical JSON), the Regions cfn-lint checks it for, whether checkov ran, and the versions
of the checkers (cfn-lint's installed version, checkov's, appstack's version and a digest of
the source of its own rules and of the code that runs the checks). A new version of any of
them is a new key, so nothing stale is ever replayed. Only results without errors are kept
(their warnings are replayed with them): a template that failed is checked again, fixed or
not.

The cache lives in the user's cache directory (`$XDG_CACHE_HOME/appstack/validation`, by
default `~/.cache/appstack/validation`), never in the project. `APPSTACK_NO_CACHE=1` checks
every template again and stores nothing. Reading the key costs a few milliseconds: neither
cfn-lint nor checkov is imported or started for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from appstack import __version__
from appstack.checks.findings import Finding

#: Set to 1 (or true, yes) to check every template again and store nothing.
BYPASS = "APPSTACK_NO_CACHE"
_CHECKS = Path(__file__).parent
_PACKAGE = _CHECKS.parent
#: The code whose behaviour a cached verdict stands for, besides cfn-lint and checkov.
_OWN_SOURCES = ("validate.py", "lint.py", "scan.py", "findings.py")


def directory() -> Path:
    """Where verdicts are kept: the user's cache directory (XDG), never the project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "appstack" / "validation"


def enabled() -> bool:
    return os.environ.get(BYPASS, "").strip().lower() not in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Checkers:
    """The versions of what checks a template; part of every key."""

    cfn_lint: str
    checkov: str
    rules: str

    def describe(self) -> str:
        return f"cfn-lint {self.cfn_lint}, checkov {self.checkov}, appstack rules {self.rules}"


@cache
def rules_digest() -> str:
    """appstack's version and a digest of its rules' source, of the code that runs the
    checks, and of what the rules read (the template walker, the data files: stateful types,
    name properties): a rule or a fact changed in a working copy is a new key, as a release
    is."""
    digest = hashlib.sha256(__version__.encode())
    files = [
        *sorted((_CHECKS / "rules").glob("*.py")),
        *(_CHECKS / n for n in _OWN_SOURCES),
        _PACKAGE / "template.py",
        *sorted(p for p in (_PACKAGE / "data").iterdir() if p.suffix in (".py", ".json")),
    ]
    for path in files:
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def checkov_version(executable: str | None) -> str:
    """checkov's version without starting it (a start takes seconds): the name of its
    installed distribution beside the executable, or else the executable's path and
    modification time. "none" when it is not installed (its findings are then a warning
    that says so, and installing it makes a new key)."""
    if executable is None:
        return "none"
    path = Path(executable)
    for found in sorted(path.parent.parent.glob("lib/python*/site-packages/checkov-*.dist-info")):
        return found.name.removeprefix("checkov-").removesuffix(".dist-info")
    try:
        return f"{path}@{path.stat().st_mtime_ns}"
    except OSError:
        return str(path)


def checkers(scan: bool) -> Checkers:
    from appstack.checks.scan import checkov_executable

    return Checkers(
        metadata.version("cfn-lint"),
        checkov_version(checkov_executable()) if scan else "off",
        rules_digest(),
    )


def key(template: dict[str, Any], regions: list[str], versions: Checkers) -> str:
    """The digest a verdict is stored under."""
    canonical = json.dumps(
        {
            "template": template,
            "regions": sorted(regions),
            "checkers": dataclasses.asdict(versions),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def lookup(digest: str) -> list[Finding] | None:
    """The findings stored under `digest` (warnings at most), or None: not checked yet."""
    if not enabled():
        return None
    try:
        stored = json.loads((directory() / f"{digest}.json").read_text())
        return [Finding(**f) for f in stored["findings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, unreadable or from another layout: check again


def store(digest: str, findings: list[Finding], versions: Checkers) -> bool:
    """Keep a verdict without errors; a result with an error is never kept. Written to a
    temporary file and renamed, so a reader never sees half a verdict. A cache directory
    that cannot be written costs the next run its checks, nothing else."""
    if not enabled() or any(f.severity == "error" for f in findings):
        return False
    folder = directory()
    record = {
        "checkers": dataclasses.asdict(versions),
        "findings": [dataclasses.asdict(f) for f in findings],
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False) as out:
            json.dump(record, out)
        os.replace(out.name, folder / f"{digest}.json")
    except OSError:
        return False
    return True
