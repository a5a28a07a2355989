"""The shape of a rule, and helpers to walk a template."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from appstack.checks.findings import Finding, Severity

Template = dict[str, Any]


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


def resources(template: Template, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical ID, resource) pairs, optionally of the given types only."""
    for logical_id, resource in template.get("Resources", {}).items():
        if not types or resource.get("Type") in types:
            yield logical_id, resource


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def ref_target(value: Any) -> str | None:
    """The logical ID a `{"Ref": X}` or `{"Fn::GetAtt": [X, ...]}` points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return None
