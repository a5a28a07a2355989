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

from collections.abc import Callable, Mapping
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


class _Resolver:
    """Resolves what a template knows before the update: its parameter values, mappings and
    conditions (each condition worked out once)."""

    def __init__(self, template: Mapping[str, Any], given: Mapping[str, Any] | None) -> None:
        self.values = parameter_values(template, given)
        self.mappings: Mapping[str, Any] = template.get("Mappings") or {}
        self.conditions: Mapping[str, Any] = template.get("Conditions") or {}
        self.known: dict[str, Any] = {}

    def condition(self, name: str) -> Any:
        """The condition's value: True, False or unknown."""
        if name not in self.known:
            self.known[name] = _UNKNOWN  # a cycle stays unknown
            self.known[name] = (
                self.truth(self.conditions[name]) if name in self.conditions else _UNKNOWN
            )
        return self.known[name]

    def truth(self, item: Any) -> Any:
        """The value of a condition function (Fn::Equals, Not, And, Or, Condition)."""
        if isinstance(item, bool):
            return item
        if not isinstance(item, Mapping) or len(item) != 1:
            return _UNKNOWN
        ((key, inner),) = item.items()
        if key == "Condition" and isinstance(inner, str):
            return self.condition(inner)
        if key == "Fn::Equals" and isinstance(inner, list) and len(inner) == 2:
            left, right = self.walk(inner[0]), self.walk(inner[1])
            if isinstance(left, str | int) and isinstance(right, str | int):
                return str(left) == str(right)
            return _UNKNOWN
        parts = [self.truth(part) for part in inner] if isinstance(inner, list) else []
        if not parts or any(p is _UNKNOWN for p in parts):
            return _UNKNOWN
        if key == "Fn::Not" and len(parts) == 1:
            return not parts[0]
        if key == "Fn::And":
            return all(parts)
        if key == "Fn::Or":
            return any(parts)
        return _UNKNOWN

    def walk(self, item: Any) -> Any:
        """`item` with every function known before the update resolved."""
        if isinstance(item, list):
            return [self.walk(inner) for inner in item]
        if not isinstance(item, Mapping):
            return item
        if len(item) == 1:
            ((key, inner),) = item.items()
            function = _FUNCTIONS.get(key)
            result = function(self, inner) if function is not None else _AS_WRITTEN
            if result is not _AS_WRITTEN:
                return result
        return {key: self.walk(inner) for key, inner in item.items()}

    def ref(self, inner: Any) -> Any:
        if isinstance(inner, str) and inner in self.values:
            return self.values[inner]
        return _AS_WRITTEN  # a resource's Ref is known only when the update runs

    def if_(self, inner: Any) -> Any:
        if isinstance(inner, list) and len(inner) == 3:
            chosen = self.condition(inner[0]) if isinstance(inner[0], str) else _UNKNOWN
            if chosen is not _UNKNOWN:
                return self.walk(inner[1] if chosen else inner[2])
        return _AS_WRITTEN

    def find_in_map(self, inner: Any) -> Any:
        if not (isinstance(inner, list) and len(inner) == 3):
            return _AS_WRITTEN
        names = [self.walk(part) for part in inner]
        if all(isinstance(n, str) for n in names):
            found = self.mappings.get(names[0], {}).get(names[1], {})
            if isinstance(found, Mapping) and names[2] in found:
                return found[names[2]]
        return {"Fn::FindInMap": names}

    def sub(self, inner: Any) -> Any:
        text, own = (inner, {}) if isinstance(inner, str) else (inner[0], inner[1])
        if not (isinstance(text, str) and isinstance(own, Mapping)):
            return _AS_WRITTEN
        for name, given_value in self.values.items():
            if name not in own and isinstance(given_value, str):
                text = text.replace("${" + name + "}", given_value)
        own = self.walk(own)
        return {"Fn::Sub": text if not own else [text, own]} if "${" in text else text

    def join(self, inner: Any) -> Any:
        if not (isinstance(inner, list) and len(inner) == 2):
            return _AS_WRITTEN
        parts = self.walk(inner[1])
        literal = isinstance(parts, list) and all(isinstance(p, str) for p in parts)
        if isinstance(inner[0], str) and literal:
            return inner[0].join(parts)
        return {"Fn::Join": [inner[0], parts]}

    def select(self, inner: Any) -> Any:
        if not (isinstance(inner, list) and len(inner) == 2):
            return _AS_WRITTEN
        index, options = self.walk(inner[0]), self.walk(inner[1])
        if isinstance(options, list) and str(index).isdigit() and int(index) < len(options):
            return options[int(index)]
        return {"Fn::Select": [index, options]}


#: Nothing known to resolve: the function is kept as written (its arguments walked).
_AS_WRITTEN = object()

#: The functions resolved before the update, each returning its value or _AS_WRITTEN.
_FUNCTIONS: dict[str, Callable[[_Resolver, Any], Any]] = {
    "Ref": _Resolver.ref,
    "Fn::If": _Resolver.if_,
    "Fn::FindInMap": _Resolver.find_in_map,
    "Fn::Sub": _Resolver.sub,
    "Fn::Join": _Resolver.join,
    "Fn::Select": _Resolver.select,
}


def resolved(template: Mapping[str, Any], given: Mapping[str, Any] | None, value: Any) -> Any:
    """`value` (a resource's JSON, or part of it) with what is known before the update
    resolved: Ref to a parameter, Fn::If on a condition of parameters, and the Fn::FindInMap,
    Fn::Sub, Fn::Join and Fn::Select that become literal. The rest is kept as written."""
    return _Resolver(template, given).walk(value)
