"""Validate: every check appstack runs on a template before it may be deployed."""

from __future__ import annotations

from dataclasses import dataclass, field

from appstack import blueprint
from appstack.checks.findings import Finding
from appstack.checks.lint import run_cfn_lint
from appstack.checks.rules import run_rules
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


def validate(target: Target) -> Report:
    template = blueprint.to_dict(blueprint.build(target))
    findings = run_cfn_lint(template, [target.app.region]) + run_rules(template)
    return Report(target, findings)
