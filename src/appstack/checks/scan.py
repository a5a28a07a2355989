"""checkov's CloudFormation checks, run as a separate program.

checkov comes with appstack's `scan` extra (`pip install 'appstack[scan]'`, installed beside
appstack's own Python), or from `.venv-scan` (`make scan-env`), or anywhere on PATH
(`pipx install checkov`); `APPSTACK_CHECKOV` may point at the executable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from appstack.checks.findings import Finding

_LOCAL = Path(".venv-scan/bin/checkov")


def checkov_executable() -> str | None:
    configured = os.environ.get("APPSTACK_CHECKOV")
    if configured:
        return configured
    beside = Path(sys.executable).parent / "checkov"  # the `scan` extra, venv not activated
    if beside.exists():
        return str(beside)
    if _LOCAL.exists():
        return str(_LOCAL)
    return shutil.which("checkov")


def start_checkov(templates: Mapping[str, dict[str, Any]], executable: str | None = None) -> Scan:
    """Start checkov on `templates` in the background; `findings()` waits for its verdict.

    checkov is a separate program, so it runs on another core while appstack lints."""
    return Scan(dict(templates), executable or checkov_executable())


class Scan:
    """One checkov run over several templates, started at once."""

    def __init__(self, templates: dict[str, dict[str, Any]], executable: str | None) -> None:
        self.names = list(templates)
        self.process: subprocess.Popen[str] | None = None
        self._work = tempfile.TemporaryDirectory()
        self.files: dict[str, str] = {}
        if executable is None:
            return
        for i, (name, template) in enumerate(templates.items()):
            path = Path(self._work.name) / f"t{i}.template.json"
            path.write_text(json.dumps(template))
            self.files[path.name] = name
        self.process = subprocess.Popen(
            [
                executable,
                *("-d", self._work.name),
                *("--framework", "cloudformation"),
                *("-o", "json"),
                "--quiet",
                "--skip-download",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def findings(self) -> dict[str, list[Finding]]:
        """Wait for checkov; its failed checks by template name."""
        if self.process is None:
            missing = Finding(
                "CHECKOV",
                "warning",
                "",
                "checkov is not installed, so its checks did not run",
                "pip install 'appstack[scan]' (in its own virtualenv), or `pipx install checkov`",
            )
            return {name: [missing] for name in self.names}
        try:
            stdout, stderr = self.process.communicate()
        finally:
            self._work.cleanup()
        try:
            report = json.loads(stdout or "{}")
        except json.JSONDecodeError:
            failure = Finding(
                "CHECKOV",
                "error",
                "",
                f"checkov failed: {stderr[-500:]}",
                "run checkov by hand on the synthesized template",
            )
            return {name: [failure] for name in self.names}
        found: dict[str, list[Finding]] = {name: [] for name in self.names}
        for one in report if isinstance(report, list) else [report]:
            for check in one.get("results", {}).get("failed_checks", []):
                name = self.files[Path(check["file_path"]).name]
                found[name].append(
                    Finding(
                        check["check_id"],
                        "error",
                        check["resource"].split(".", 1)[-1],
                        check["check_name"],
                        check.get("guideline") or "",
                    )
                )
        return found
