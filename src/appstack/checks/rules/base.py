"""The shape of a rule: a check over a whole template, or over its resources one at a time,
declared with `@rule(id, description, fix)` like preflight's checks and the emulator's
fidelity rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from appstack.checks.findings import Finding, Severity
from appstack.template import Template, resources

_ID = re.compile(r"^AS\d{3}$")


class Rule:
    """A check over a whole template, declared with `@rule(...)`."""

    id: ClassVar[str]
    description: ClassVar[str]
    fix: ClassVar[str]
    severity: ClassVar[Severity] = "error"

    def check(self, template: Template) -> list[Finding]:
        raise NotImplementedError

    def finding(self, resource: str, message: str) -> Finding:
        return Finding(self.id, self.severity, resource, message, self.fix)


Declared = TypeVar("Declared", bound=type[Rule])


def rule(rule_id: str, description: str, fix: str) -> Callable[[Declared], Declared]:
    """Declare the decorated class rule `rule_id` (AS and three digits): what it asks, in one
    line, and the fix its findings point to."""
    if not _ID.match(rule_id):
        raise ValueError(f"rule id {rule_id!r} is not AS followed by three digits")

    def declare(cls: Declared) -> Declared:
        cls.id, cls.description, cls.fix = rule_id, description, fix
        return cls

    return declare


class ResourceRule(Rule):
    """A check of each resource of some types (`types`; every resource when empty), through
    the one template walker: `problems` says what is wrong with one resource, a finding each."""

    types: ClassVar[Iterable[str]] = ()

    def check(self, template: Template) -> list[Finding]:
        return [
            self.finding(logical_id, message)
            for logical_id, resource in resources(template, *self.types).items()
            for message in self.problems(logical_id, resource, template)
        ]

    def problems(
        self, logical_id: str, resource: dict[str, Any], template: Template
    ) -> Iterator[str]:
        raise NotImplementedError
