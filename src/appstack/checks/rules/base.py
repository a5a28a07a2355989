"""The shape of a rule."""

from __future__ import annotations

from typing import ClassVar

from appstack.checks.findings import Finding, Severity
from appstack.template import Template


class Rule:
    """A check over a whole template. Subclasses declare `id`, `description` and `fix`."""

    id: ClassVar[str]
    description: ClassVar[str]
    fix: ClassVar[str]
    severity: ClassVar[Severity] = "error"

    def check(self, template: Template) -> list[Finding]:
        raise NotImplementedError

    def finding(self, resource: str, message: str) -> Finding:
        return Finding(self.id, self.severity, resource, message, self.fix)
