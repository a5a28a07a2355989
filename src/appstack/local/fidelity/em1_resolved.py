"""What the resource-lifecycle rules (EM1xx) share: a resource's properties as resolved.

CloudFormation judges an update on the values a template resolves to, not on how it writes
them: parameters (given, else their Default) and conditions are known when the change set is
made, so a property written another way that resolves to the same value is no change, and a
create-only one is no replacement (AWS CDK's change-set diff relies on it: a parameter-driven
name that resolves to the same value is no change, aws/aws-cdk-cli#641 and #1951). What
depends on another resource (Ref to a resource, Fn::GetAtt) is known only when the update
runs, and is compared as written (aws-cloudformation/cloudformation-coverage-roadmap#290:
Fn::GetAtt rewritten from its long to its short form shows a replacement).
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
("Static": CloudFormation can determine the target value; "Dynamic": it depends on a Ref or
Fn::GetAtt resolved during the update).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_UNKNOWN = object()


def parameter_values(
    template: Mapping[str, Any], given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The value of each parameter of `template`: the one given, else its Default."""
    declared = template.get("Parameters") or {}
    values = {name: (spec or {}).get("Default") for name, spec in declared.items()}
    values.update({k: v for k, v in (given or {}).items() if k in declared})
    return values


def resolved(template: Mapping[str, Any], given: Mapping[str, Any] | None, value: Any) -> Any:
    """`value` (a resource's JSON, or part of it) with what is known before the update
    resolved: Ref to a parameter, Fn::If on a condition of parameters, and the Fn::FindInMap,
    Fn::Sub, Fn::Join and Fn::Select that become literal. The rest is kept as written."""
    values = parameter_values(template, given)
    mappings: Mapping[str, Any] = template.get("Mappings") or {}
    conditions: Mapping[str, Any] = template.get("Conditions") or {}
    known: dict[str, Any] = {}

    def condition(name: str) -> Any:
        if name not in known:
            known[name] = _UNKNOWN  # a cycle stays unknown
            known[name] = truth(conditions[name]) if name in conditions else _UNKNOWN
        return known[name]

    def truth(item: Any) -> Any:
        if isinstance(item, bool):
            return item
        if not isinstance(item, Mapping) or len(item) != 1:
            return _UNKNOWN
        ((key, inner),) = item.items()
        if key == "Condition" and isinstance(inner, str):
            return condition(inner)
        if key == "Fn::Equals" and isinstance(inner, list) and len(inner) == 2:
            left, right = walk(inner[0]), walk(inner[1])
            if isinstance(left, str | int) and isinstance(right, str | int):
                return str(left) == str(right)
            return _UNKNOWN
        parts = [truth(part) for part in inner] if isinstance(inner, list) else []
        if not parts or any(p is _UNKNOWN for p in parts):
            return _UNKNOWN
        if key == "Fn::Not" and len(parts) == 1:
            return not parts[0]
        if key == "Fn::And":
            return all(parts)
        if key == "Fn::Or":
            return any(parts)
        return _UNKNOWN

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        if not isinstance(item, Mapping):
            return item
        if len(item) == 1:
            ((key, inner),) = item.items()
            if key == "Ref" and isinstance(inner, str) and inner in values:
                return values[inner]
            if key == "Fn::If" and isinstance(inner, list) and len(inner) == 3:
                chosen = condition(inner[0]) if isinstance(inner[0], str) else _UNKNOWN
                if chosen is not _UNKNOWN:
                    return walk(inner[1] if chosen else inner[2])
            if key == "Fn::FindInMap" and isinstance(inner, list) and len(inner) == 3:
                names = [walk(part) for part in inner]
                if all(isinstance(n, str) for n in names):
                    found = mappings.get(names[0], {}).get(names[1], {})
                    if isinstance(found, Mapping) and names[2] in found:
                        return found[names[2]]
                return {key: names}
            if key == "Fn::Sub":
                text, own = (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])
                if isinstance(text, str) and isinstance(own, Mapping):
                    for name, given_value in values.items():
                        if name not in own and isinstance(given_value, str):
                            text = text.replace("${" + name + "}", given_value)
                    own = walk(own)
                    return {key: text if not own else [text, own]} if "${" in text else text
            if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2:
                parts = walk(inner[1])
                literal = isinstance(parts, list) and all(isinstance(p, str) for p in parts)
                if isinstance(inner[0], str) and literal:
                    return inner[0].join(parts)
                return {key: [inner[0], parts]}
            if key == "Fn::Select" and isinstance(inner, list) and len(inner) == 2:
                index, options = walk(inner[0]), walk(inner[1])
                if isinstance(options, list) and str(index).isdigit() and int(index) < len(options):
                    return options[int(index)]
                return {key: [index, options]}
        return {key: walk(inner) for key, inner in item.items()}

    return walk(value)
