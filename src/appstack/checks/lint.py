"""cfn-lint, through its Python API: appstack's own templates must give 0 errors, 0 warnings."""

from __future__ import annotations

import json
from typing import Any

from cfnlint.api import lint

from appstack.checks.findings import Finding

_SEVERITIES = {"error", "warning", "informational"}


def run_cfn_lint(template: dict[str, Any], regions: list[str]) -> list[Finding]:
    findings = []
    for match in lint(json.dumps(template), regions=regions):
        path = list(getattr(match, "path", None) or [])
        resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else ""
        severity = str(match.rule.severity).lower()
        findings.append(
            Finding(
                rule=match.rule.id,
                severity=severity if severity in _SEVERITIES else "error",  # type: ignore[arg-type]
                resource=resource,
                message=f"{match.message} (at {'/'.join(map(str, path))})",
                fix="see https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md",
            )
        )
    return findings
