"""Reading a synthesized CloudFormation template: its resources, and what a value refers to.

The one walker over templates: the cost and forecast estimates, the rules, the emulator's
lifecycle rules and the tests read templates through it. Intrinsic functions:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: A template as a JSON document (`blueprint.to_dict`).
Template = Mapping[str, Any]

#: `${Name}` and `${Name.Attribute}` in an Fn::Sub string; `${!Literal}` is not a reference.
_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


def resources(template: Template, *types: str) -> dict[str, dict[str, Any]]:
    """The resources of `template` by logical ID: all of them, or those of `types` only."""
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if not types or resource.get("Type") in types
    }


def properties(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's Properties ({} when it has none)."""
    found: dict[str, Any] = resource.get("Properties") or {}
    return found


def references(value: Any) -> set[str]:
    """Every name a value points at through Ref, Fn::GetAtt and Fn::Sub: resources,
    parameters and pseudo-parameters (`AWS::Region`), but not an Fn::Sub's own variables."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key, inner in item.items():
                if key == "Ref" and isinstance(inner, str):
                    found.add(inner)
                elif key == "Fn::GetAtt":
                    if isinstance(inner, list) and inner and isinstance(inner[0], str):
                        found.add(inner[0])
                    elif isinstance(inner, str):
                        found.add(inner.split(".")[0])
                elif key == "Fn::Sub":
                    text, variables = (
                        (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])
                    )
                    for name in _SUB_NAME.findall(text if isinstance(text, str) else ""):
                        base = name.split(".")[0].strip()
                        if base not in variables:
                            found.add(base)
                    stack.append(variables)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def ref_target(value: Any) -> str | None:
    """The logical ID a `{"Ref": X}` or `{"Fn::GetAtt": [X, ...]}` points at."""
    if isinstance(value, Mapping):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return None


def as_list(value: Any) -> list[Any]:
    """A value that may be one item or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def literal_number(value: Any, default: float) -> float:
    """A literal number (or numeric string) from a template; `default` for an intrinsic."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def deployed_names(template: Mapping[str, Any]) -> dict[str, str]:
    """Parameter -> logical id of each deployed name the template keeps (declared in its
    Metadata by `blueprint.deployed_names.keep`): the deploy fills those parameters, rule
    AS007 accepts those names."""
    ours = template.get("Metadata", {}).get("appstack", {})
    found = ours.get("DeployedNames", {}) if isinstance(ours, Mapping) else {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, Mapping) else {}
