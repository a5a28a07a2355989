"""Validate: every check appstack runs on a template before it may be deployed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.lint import run_cfn_lint
from appstack.checks.rules import run_rules
from appstack.checks.scan import start_checkov
from appstack.config import Target


@dataclass(frozen=True)
class Report:
    target: Target
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # appstack's bar for its own templates: no errors and no warnings.
        return not [f for f in self.findings if f.severity in ("error", "warning")]


def validate(target: Target, template: dict[str, Any], scan: bool = True) -> Report:
    """cfn-lint, appstack's rules and (when `scan`) checkov on `template`, the template
    synthesized for `target` (the checks take it as it is: nothing here builds one)."""
    return validate_many([(target, template)], scan)[0]


def validate_many(
    built: Sequence[tuple[Target, dict[str, Any]]], scan: bool = True
) -> list[Report]:
    """`validate` for several (target, template) pairs; checkov scans them all in one run."""
    templates = {f"{t.env_name}/{t.phase}": template for t, template in built}
    # checkov is a separate program: it scans on another core while cfn-lint and the rules run.
    scan_run = start_checkov(templates) if scan else None
    linted = {
        name: run_cfn_lint(template, [t.app.region]) + run_rules(template)
        for (t, _), (name, template) in zip(built, templates.items(), strict=True)
    }
    scanned = scan_run.findings() if scan_run else {}
    return [
        Report(t, linted[name] + scanned.get(name, []))
        for (t, _), name in zip(built, templates, strict=True)
    ]


def validate_template(template: dict[str, Any], region: str, scan: bool = True) -> list[Finding]:
    """cfn-lint, appstack's rules and (when `scan`) checkov on a template that no environment
    builds (the account baseline's), as it deploys to `region`."""
    scan_run = start_checkov({"template": template}) if scan else None
    found = run_cfn_lint(template, [region]) + run_rules(template)
    return found + (scan_run.findings().get("template", []) if scan_run else [])
