"""cfn-lint, through its Python API: appstack's own templates must give 0 errors, 0 warnings."""

from __future__ import annotations

import json
from typing import Any

from cfnlint.api import lint
from cfnlint.config import ManualArgs

from appstack.checks.findings import Finding

_SEVERITIES = {"error", "warning", "informational"}


def deployed_parameters(template: dict[str, Any]) -> dict[str, Any]:
    """The parameter values appstack deploys the template with: their defaults (it passes
    none), e.g. EnvironmentName = the environment the template was built for."""
    return {
        name: parameter["Default"]
        for name, parameter in template.get("Parameters", {}).items()
        if "Default" in parameter
    }


def run_cfn_lint(template: dict[str, Any], regions: list[str]) -> list[Finding]:
    """cfn-lint's findings on the template as appstack deploys it. With the deployed
    parameter values, cfn-lint resolves `EnvironmentName` to this environment instead of
    trying each of its allowed values: one environment's work, however many there are."""
    findings = []
    settings = ManualArgs(regions=regions, parameters=[deployed_parameters(template)])
    for match in lint(json.dumps(template), config=settings):
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
