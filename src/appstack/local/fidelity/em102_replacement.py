"""EM102: a change CloudFormation can only make by replacement replaces the resource.

A property is replaced, not updated, when the type's registry schema lists it in
`createOnlyProperties` (cfn-lint ships those schemas), or when the template reference says
"Update requires: Replacement" where the schema does not (`data/replacement.json`). The
change set says so as CloudFormation does (`Replacement: "True"`, and one `Details` entry a
changed property, `RequiresRecreation: "Always"` for those), and the update creates a new
resource with a new physical id before the cleanup phase deletes the old one as its
UpdateReplacePolicy says (EM100). Properties are compared as resolved with the stack's
parameter values and the new ones (Ref, and the Fn::FindInMap, Fn::Sub, Fn::Join and
Fn::Select they feed), so a create-only property whose parameter value changed replaces the
resource though the template's text is the same; such a change is listed with
`ChangeSource: ParameterReference` and the parameter as `CausingEntity`. moto 5.2.5 shows
every change as a modification, applies none of these, and lists no change at all for a
changed parameter value.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from appstack.data import load
from appstack.local.fidelity import em100_update_lifecycle as lifecycle
from appstack.local.fidelity import rule
from appstack.local.fidelity.em1_resolved import parameter_values, resolved
from appstack.template import references

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "using-cfn-updating-stacks-update-behaviors.html"
)
#: The registry schemas do not differ between Regions in what they mark create-only for
#: the types appstack emits; one Region's copy serves.
SCHEMA_REGION = "us-east-1"


def _documented() -> dict[str, dict[str, str]]:
    types: dict[str, dict[str, str]] = load("replacement")["types"]
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


def details(
    resource_type: str,
    old: dict[str, Any],
    new: dict[str, Any],
    changed_parameters: frozenset[str] = frozenset(),
    declared: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The change set's Details of a modification, one entry a changed property.

    `old` and `new` are the resource as resolved with the old and the new parameter values;
    `declared` is the resource as the two templates write it. A property whose declaration
    is the same but whose value changed with a parameter is a `ParameterReference` change,
    one entry a changed parameter it refers to, as CloudFormation lists it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html).
    """
    before, after = _properties(old), _properties(new)
    written_before, written_after = (
        (_properties(declared[0]), _properties(declared[1])) if declared else (before, after)
    )
    always = recreated(resource_type, old, new)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    found: list[dict[str, Any]] = []
    for name in changed:
        target = {
            "Attribute": "Properties",
            "Name": name,
            "RequiresRecreation": "Always" if name in always else "Never",
        }
        if written_before.get(name) != written_after.get(name):
            found.append(
                {"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"}
            )
            continue
        for cause in sorted(references(written_after.get(name)) & changed_parameters):
            found.append(
                {
                    "Target": dict(target),
                    "Evaluation": "Static",
                    "ChangeSource": "ParameterReference",
                    "CausingEntity": cause,
                }
            )
    return found


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


def _replacement_of(name: str, found: list[dict[str, Any]], always: set[str]) -> dict[str, Any]:
    """The Replacement, Scope and Details of the modification of `name`, whose changed
    properties are `found` (`always`: the resources replaced whatever the values)."""
    requires = any(d["Target"]["RequiresRecreation"] == "Always" for d in found)
    return {
        "replacement": "True" if name in always else "Conditional" if requires else "False",
        "scope": ["Properties"] if found else [],
        "details": found,
    }


def _with_reference_changes(
    changes: list[Any],
    resource_map: Any,
    old: dict[str, Any],
    new: dict[str, Any],
    replaced: set[str],
) -> list[Any]:
    """`changes`, and the resources they leave alone that change too because a create-only
    property refers to a resource replaced now: CloudFormation lists those, Replacement
    Conditional (the new id is known only when the update runs)."""
    from moto.cloudformation.models import Change

    listed = {c.logical_resource_id for c in changes}
    changes = list(changes)
    for name in new:
        if name in listed or name not in old:
            continue
        dynamic = dynamic_details(new[name]["Type"], new[name], replaced)
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


@rule("EM102", "A change to a create-only property replaces the resource", SOURCE)
def install() -> None:
    from moto.cloudformation.models import Change, ChangeSet

    lifecycle.REPLACES.append(replaces)
    lifecycle.REPLACES_THROUGH.append(replaces_through)
    original = ChangeSet.diff

    def diff(self: Any) -> list[Any]:
        changes = original(self)
        resource_map = self.stack.resource_map
        old = resource_map._resource_json_map
        new = self.template_dict.get("Resources", {})
        # A resource whose declaration is the same but refers to a parameter whose value
        # changed is modified too (moto compares the templates' text only).
        listed = {c.logical_resource_id for c in changes}
        for name in lifecycle.resource_diff(resource_map, self.template_dict, self.parameters)[
            "Modify"
        ]:
            if name not in listed:
                changes.append(Change("Modify", name, new[name]["Type"]))
        # Properties as resolved with the stack's parameter values and the change set's.
        given = self.parameters or resource_map.input_parameters
        before = {
            n: resolved(resource_map._template, resource_map.input_parameters, old[n]) for n in old
        }
        after = {n: resolved(self.template_dict, given, new[n]) for n in new}
        old_values = parameter_values(resource_map._template, resource_map.input_parameters)
        new_values = parameter_values(self.template_dict, given)
        changed_parameters = frozenset(
            p for p in new_values if p in old_values and old_values[p] != new_values[p]
        )
        always = {
            c.logical_resource_id
            for c in changes
            if c.action == "Modify"
            and c.logical_resource_id in old
            and replaces(
                c.resource_type, before[c.logical_resource_id], after[c.logical_resource_id]
            )
        }
        for change in changes:
            name = change.logical_resource_id
            existing = resource_map._parsed_resources.get(name)
            # Attributes of the ResourceChange that DescribeChangeSet answers with.
            extra: dict[str, Any] = {}
            if change.action in ("Modify", "Remove") and existing is not None:
                extra["physical_resource_id"] = lifecycle.physical_id_of(existing)
            if change.action == "Modify" and name in old and name in new:
                found = details(
                    change.resource_type, before[name], after[name], changed_parameters,
                    (old[name], new[name]),
                )  # fmt: skip
                found += dynamic_details(change.resource_type, new[name], always)
                extra.update(_replacement_of(name, found, always))
            vars(change).update(extra)
        return _with_reference_changes(changes, resource_map, old, new, always)

    setattr(ChangeSet, "diff", diff)  # noqa: B010
