"""cfn-lint, through its Python API: appstack's own templates must give 0 errors, 0 warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cfnlint.api import lint


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning" | "informational"
    path: str
    message: str


def run_cfn_lint(template: dict[str, Any], regions: list[str]) -> list[Finding]:
    matches = lint(json.dumps(template), regions=regions)
    return [
        Finding(
            rule=m.rule.id,
            severity=m.rule.severity.lower(),
            path="/".join(str(p) for p in getattr(m, "path", []) or []),
            message=m.message,
        )
        for m in matches
    ]
