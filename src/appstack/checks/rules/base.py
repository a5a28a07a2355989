"""The shape of a rule: a check over a whole template, or over its resources one at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from appstack.checks.findings import Finding, Severity
from appstack.template import Template, resources


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


class ResourceRule(Rule):
    """A check of each resource of some types (`types`; every resource when empty), through
    the one template walker: `problems` says what is wrong with one resource, a finding each."""

    types: ClassVar[tuple[str, ...]] = ()

    def resource_types(self) -> Iterable[str]:
        """The types this rule checks (a rule whose types are data overrides this)."""
        return self.types

    def check(self, template: Template) -> list[Finding]:
        return [
            self.finding(logical_id, message)
            for logical_id, resource in resources(template, *self.resource_types()).items()
            for message in self.problems(logical_id, resource, template)
        ]

    def problems(
        self, logical_id: str, resource: dict[str, Any], template: Template
    ) -> Iterator[str]:
        raise NotImplementedError
