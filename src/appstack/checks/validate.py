"""Validate: every check appstack runs on a template before it may be deployed."""

from __future__ import annotations

from dataclasses import dataclass, field

from appstack import blueprint
from appstack.checks.findings import Finding
from appstack.checks.lint import run_cfn_lint
from appstack.checks.rules import run_rules
from appstack.checks.scan import run_checkov_many
from appstack.config import Target


@dataclass(frozen=True)
class Report:
    target: Target
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        # appstack's bar for its own templates: no errors and no warnings.
        return not [f for f in self.findings if f.severity in ("error", "warning")]


def validate(target: Target, scan: bool = True) -> Report:
    """cfn-lint, appstack's rules and (when `scan`) checkov on the target's template."""
    return validate_many([target], scan)[0]


def validate_many(targets: list[Target], scan: bool = True) -> list[Report]:
    templates = {f"{t.env_name}/{t.phase}": blueprint.to_dict(blueprint.build(t)) for t in targets}
    scanned = run_checkov_many(templates) if scan else {}
    return [
        Report(
            t, run_cfn_lint(template, [t.app.region]) + run_rules(template) + scanned.get(name, [])
        )
        for t, (name, template) in zip(targets, templates.items(), strict=True)
    ]
