"""EM102: a change CloudFormation can only make by replacement replaces the resource.

A property is replaced, not updated, when the type's registry schema lists it in
`createOnlyProperties` (cfn-lint ships those schemas), or when the template reference says
"Update requires: Replacement" where the schema does not (`data/replacement.json`). The
change set says so as CloudFormation does (`Replacement: "True"`, and one `Details` entry a
changed property, `RequiresRecreation: "Always"` for those), and the update creates a new
resource with a new physical id before the cleanup phase deletes the old one as its
UpdateReplacePolicy says (EM100). moto 5.2.5 shows every change as a modification and
applies none of these.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from appstack.estimates.forecast import references
from appstack.local.fidelity import em100_update_lifecycle as lifecycle
from appstack.local.fidelity import rule
from appstack.local.fidelity.em1_resolved import resolved

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "using-cfn-updating-stacks-update-behaviors.html"
)
#: The registry schemas do not differ between Regions in what they mark create-only for
#: the types appstack emits; one Region's copy serves.
SCHEMA_REGION = "us-east-1"


@cache
def _documented() -> dict[str, dict[str, str]]:
    text = resources.files("appstack.data").joinpath("replacement.json").read_text()
    types: dict[str, dict[str, str]] = json.loads(text)["types"]
    return types


@cache
def create_only(resource_type: str) -> tuple[tuple[str, ...], ...]:
    """Paths (property names from the top) that a change replaces the resource for."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    paths: list[tuple[str, ...]] = []
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(SCHEMA_REGION, resource_type)
        listed = schema.schema.get("createOnlyProperties", [])
    except Exception:  # a type the schemas do not know: nothing is create-only
        listed = []
    for pointer in listed:
        parts = tuple(p for p in pointer.split("/")[2:] if p != "*")
        if parts:
            paths.append(parts)
    paths += [(name,) for name in _documented().get(resource_type, {})]
    return tuple(paths)


def _at(properties: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = properties
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _properties(resource_json: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = resource_json.get("Properties") or {}
    return found


def recreated(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Top-level properties whose change replaces the resource."""
    before, after = _properties(old), _properties(new)
    return {path[0] for path in create_only(resource_type) if _at(before, path) != _at(after, path)}


def replaces(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    return bool(recreated(resource_type, old, new))


def recreated_through(
    resource_type: str, resource_json: dict[str, Any], replaced: set[str]
) -> dict[str, set[str]]:
    """Top-level create-only properties that refer to a replaced resource, with the
    resources they refer to."""
    found: dict[str, set[str]] = {}
    for path in create_only(resource_type):
        causes = references(_at(_properties(resource_json), path)) & replaced
        if causes:
            found.setdefault(path[0], set()).update(causes)
    return found


def replaces_through(resource_type: str, resource_json: dict[str, Any], replaced: set[str]) -> bool:
    return bool(recreated_through(resource_type, resource_json, replaced))


def details(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The change set's Details of a modification, one entry a changed property."""
    before, after = _properties(old), _properties(new)
    always = recreated(resource_type, old, new)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return [
        {
            "Target": {
                "Attribute": "Properties",
                "Name": name,
                "RequiresRecreation": "Always" if name in always else "Never",
            },
            "Evaluation": "Static",
            "ChangeSource": "DirectModification",
        }
        for name in changed
    ]


def dynamic_details(
    resource_type: str, resource_json: dict[str, Any], replaced: set[str]
) -> list[dict[str, Any]]:
    """Details of create-only properties that refer to a replaced resource."""
    return [
        {
            "Target": {"Attribute": "Properties", "Name": name, "RequiresRecreation": "Always"},
            "Evaluation": "Dynamic",
            "ChangeSource": "ResourceReference",
            "CausingEntity": cause,
        }
        for name, causes in sorted(
            recreated_through(resource_type, resource_json, replaced).items()
        )
        for cause in sorted(causes)
    ]


@rule("EM102", "A change to a create-only property replaces the resource", SOURCE)
def install() -> None:
    from moto.cloudformation.models import Change, ChangeSet

    lifecycle.REPLACES.append(replaces)
    lifecycle.REPLACES_THROUGH.append(replaces_through)
    original = ChangeSet.diff

    def diff(self: Any) -> list[Any]:
        changes = original(self)
        resource_map = self.stack.resource_map
        # Judged on the values the two templates resolve to (em1_resolved).
        old = {
            name: resolved(resource_map._template, resource_map.input_parameters, declared)
            for name, declared in resource_map._resource_json_map.items()
        }
        new = {
            name: resolved(self.template_dict, self.parameters, declared)
            for name, declared in self.template_dict.get("Resources", {}).items()
        }
        always = {
            c.logical_resource_id
            for c in changes
            if c.action == "Modify"
            and c.logical_resource_id in old
            and replaces(c.resource_type, old[c.logical_resource_id], new[c.logical_resource_id])
        }
        for change in changes:
            name = change.logical_resource_id
            existing = resource_map._parsed_resources.get(name)
            # Attributes of the ResourceChange that DescribeChangeSet answers with.
            extra: dict[str, Any] = {}
            if change.action in ("Modify", "Remove") and existing is not None:
                extra["physical_resource_id"] = lifecycle.physical_id_of(existing)
            if change.action == "Modify" and name in old and name in new:
                found = details(change.resource_type, old[name], new[name])
                found += dynamic_details(change.resource_type, new[name], always)
                extra["replacement"] = (
                    "True"
                    if name in always
                    else "Conditional"
                    if any(d["Target"]["RequiresRecreation"] == "Always" for d in found)
                    else "False"
                )
                extra["scope"] = ["Properties"] if found else []
                extra["details"] = found
            vars(change).update(extra)
        # A resource the template leaves alone is changed too when a create-only property
        # refers to a resource replaced now: CloudFormation lists it, Replacement
        # Conditional (the new id is known only when the update runs).
        listed = {c.logical_resource_id for c in changes}
        for name in new:
            if name in listed or name not in old:
                continue
            dynamic = dynamic_details(new[name]["Type"], new[name], always)
            if dynamic:
                change = Change("Modify", name, new[name]["Type"])
                existing = resource_map._parsed_resources.get(name)
                vars(change).update(
                    physical_resource_id=lifecycle.physical_id_of(existing),
                    replacement="Conditional",
                    scope=["Properties"],
                    details=dynamic,
                )
                changes.append(change)
        return changes

    setattr(ChangeSet, "diff", diff)  # noqa: B010
