"""AS002: no IAM statement allows every action (`*` or `service:*`) on every resource."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appstack.checks.rules.base import ResourceRule, rule
from appstack.template import Template, as_list, properties

#: Identity policies live here; resource policies (key, bucket, topic) are not IAM grants.
_POLICY_HOLDERS = (
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::Group",
)


@rule(
    "AS002",
    "IAM statements never allow `*` actions on `*` resources",
    "name the actions the code calls and the ARNs of this stack's resources",
)
class NoWildcardActionOnWildcardResource(ResourceRule):
    types = _POLICY_HOLDERS

    def problems(self, logical_id: str, resource: dict[str, Any], _: Template) -> Iterator[str]:
        for statement in _statements(properties(resource)):
            if statement.get("Effect") != "Allow":
                continue
            actions = [a for a in as_list(statement.get("Action", [])) if isinstance(a, str)]
            wide = [a for a in actions if a == "*" or a.endswith(":*")]
            if wide and "*" in as_list(statement.get("Resource", [])):
                yield f"allows {', '.join(wide)} on every resource"


def _statements(properties: dict[str, Any]) -> list[dict[str, Any]]:
    documents = [properties.get("PolicyDocument")]
    documents += [p.get("PolicyDocument") for p in properties.get("Policies", [])]
    return [
        s
        for d in documents
        if isinstance(d, dict)
        for s in as_list(d.get("Statement", []))
        if isinstance(s, dict)
    ]
