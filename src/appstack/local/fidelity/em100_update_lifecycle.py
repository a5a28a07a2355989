"""EM100: a stack update runs as CloudFormation runs it.

CloudFormation first creates what the new template adds, updates what it modifies and
creates the replacement of what it must replace; only when all of that succeeded does it
enter the cleanup phase (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS), which deletes the resources
the template removed and the old copies of replaced ones, each as its DeletionPolicy or
UpdateReplacePolicy says. A failure before cleanup rolls the stack back to its previous
template (what this update created is deleted); a delete that fails during cleanup does not
fail the stack: the resource gets a DELETE_FAILED event, is left behind outside the stack,
and the stack ends UPDATE_COMPLETE
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html;
"CloudFormation tries to delete a resource three times before CloudFormation skips the
resource and continues the cleanup process":
https://repost.aws/knowledge-center/cloudformation-stack-cleanup-stuck).
A failed creation deletes what it created (ROLLBACK_COMPLETE), and a stack deletion that
cannot delete a resource ends DELETE_FAILED with the resource kept.

moto 5.2.5 instead deletes removed resources first (a refused delete fails the whole
update), keeps them in its cache (so a later update that adds them back creates nothing),
and never rolls anything back. Other rules plug into this one: `REPLACES` decides which
modifications replace, `SNAPSHOTS` takes the final snapshot of a `Snapshot` policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em1_resolved import parameter_values, resolved
from appstack.template import references

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "using-cfn-updating-stacks-update-behaviors.html"
)

#: Deciders of replacement: (resource type, old resource JSON, new resource JSON) -> True
#: when CloudFormation must replace the resource rather than update it.
REPLACES: list[Callable[[str, dict[str, Any], dict[str, Any]], bool]] = []

#: Deciders of replacement through a reference: (resource type, resource JSON, logical ids
#: being replaced) -> True when a property that needs a new resource refers to one of them
#: (the new copy has another id, so this resource must be replaced too).
REPLACES_THROUGH: list[Callable[[str, dict[str, Any], set[str]], bool]] = []

#: Final snapshots by resource type: (resource, resource map, snapshot name) takes the
#: snapshot and deletes the resource.
SNAPSHOTS: dict[str, Callable[[Any, Any, str], None]] = {}

#: Policies that keep the resource (and its data) in the account.
KEEPS = ("Retain", "RetainExceptOnCreate")

#: Types whose DeletionPolicy defaults to Snapshot instead of Delete (an RDS instance only
#: when it is not part of a cluster): "If a resource has no DeletionPolicy attribute,
#: CloudFormation deletes the resource by default, except for AWS::RDS::DBCluster ..."
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
DEFAULT_SNAPSHOT_TYPES = ("AWS::RDS::DBCluster",)


class ResourcesFailed(Exception):
    """Some resources of a stack operation failed; the stack event names them."""

    def __init__(
        self, operation: str, names: list[str], reasons: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            f"The following resource(s) failed to {operation}: [{', '.join(sorted(names))}]."
        )
        #: Each failed resource's own reason (the service's error), by logical id.
        self.reasons = reasons or {}


class CustomNameReplacement(Exception):
    """A resource with a name the template fixes cannot be replaced: the new copy would
    need the name the old one still holds."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "CloudFormation cannot update a stack when a custom-named resource requires "
            f"replacing. Rename {name} and update the stack again."
        )


# ---------------------------------------------------------------------------------------
# what every phase shares


def dependencies(resources: dict[str, Any], logical_id: str) -> set[str]:
    """The resources of the template `logical_id` needs first (references and DependsOn)."""
    body = resources[logical_id]
    depends = body.get("DependsOn") or []
    found = references(body.get("Properties", {})) | set(
        [depends] if isinstance(depends, str) else depends
    )
    return {name for name in found if name in resources and name != logical_id}


def creation_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids with every resource after those it needs (deletion is the reverse)."""
    ordered: list[str] = []
    done: set[str] = set()

    def visit(name: str, path: frozenset[str]) -> None:
        if name in done or name in path:
            return
        for needed in sorted(dependencies(resources, name)):
            visit(needed, path | {name})
        done.add(name)
        ordered.append(name)

    for name in resources:
        visit(name, frozenset())
    return ordered


def stack_of(resource_map: Any) -> Any | None:
    return getattr(resource_map, "appstack_stack", None)


def resource_event(
    resource_map: Any,
    logical_id: str,
    resource_type: str,
    status: str,
    reason: str | None = None,
    physical_id: str = "",
    *,
    stack: Any | None = None,
    notify: bool = False,
) -> None:
    """Add a resource's event to its stack (`stack`, else the resource map's), as
    DescribeStackEvents lists it; with `notify`, publish it to the stack's SNS topics too."""
    from moto.cloudformation.models import Event

    stack = stack if stack is not None else stack_of(resource_map)
    if stack is None:
        return
    event = Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id=physical_id,
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=None,
    )
    if notify:
        event.sendToSns(stack.account_id, stack.region_name, stack.notification_arns)
    stack.events.append(event)


def physical_id_of(resource: Any) -> str:
    return str(getattr(resource, "physical_resource_id", "") or "")


def _is_resource(resource: Any) -> bool:
    return resource is not None and not isinstance(resource, (str, int, float, list, dict))


def policy_of(resource_json: dict[str, Any], attribute: str) -> str:
    """The DeletionPolicy or UpdateReplacePolicy in force, with CloudFormation's defaults."""
    policy = resource_json.get(attribute)
    if isinstance(policy, str):
        return policy
    if attribute == "DeletionPolicy" and resource_json.get("Type") in DEFAULT_SNAPSHOT_TYPES:
        return "Snapshot"
    return "Delete"


def snapshot_name(resource_map: Any, logical_id: str) -> str:
    """A final snapshot's name as CloudFormation makes it: stack, logical id, suffix."""
    stack = stack_of(resource_map)
    stack_name = stack.name if stack is not None else "stack"
    return f"{stack_name}-{logical_id}-snapshot-{uuid.uuid4().hex[:12]}".lower()


def remove(
    resource_map: Any, logical_id: str, resource: Any, resource_json: dict[str, Any], policy: str
) -> bool:
    """Delete one resource as `policy` says; True when it is gone or kept on purpose.

    Raises what the service raises when it refuses the delete."""
    resource_type = resource_json.get("Type", "")
    if policy in KEEPS:
        resource_event(
            resource_map, logical_id, resource_type, "DELETE_SKIPPED", None,
            physical_id_of(resource),
        )  # fmt: skip
        return True
    if policy == "Snapshot" and resource_type in SNAPSHOTS:
        SNAPSHOTS[resource_type](resource, resource_map, snapshot_name(resource_map, logical_id))
    else:
        resource_map._delete_resource(resource, resource_json)
    resource_event(
        resource_map, logical_id, resource_type, "DELETE_COMPLETE", None, physical_id_of(resource)
    )
    return True


def remove_all(
    resource_map: Any, doomed: Iterable[tuple[str, Any, dict[str, Any], str]]
) -> dict[str, Exception]:
    """Delete resources (in the order given, retrying those something still uses, as
    CloudFormation waits for dependants); the errors of those that could not go."""
    pending = list(doomed)
    errors: dict[str, Exception] = {}
    while pending:
        failed = []
        for item in pending:
            logical_id, resource, resource_json, policy = item
            try:
                remove(resource_map, logical_id, resource, resource_json, policy)
            except Exception as exc:
                errors[logical_id] = exc
                failed.append(item)
            else:
                errors.pop(logical_id, None)
        if len(failed) == len(pending):
            break
        pending = failed
    return errors


def _replaces(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    return any(decide(resource_type, old, new) for decide in REPLACES)


# ---------------------------------------------------------------------------------------
# parameter values


def _custom_name(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The fixed name a replacement would have to take again, if the template fixes one."""
    from moto.cloudformation.parsing import resource_name_property_from_type

    name_property = resource_name_property_from_type(resource_type)
    if not name_property:
        return None
    before = (old.get("Properties") or {}).get(name_property)
    after = (new.get("Properties") or {}).get(name_property)
    return str(after) if after is not None and after == before else None


# ---------------------------------------------------------------------------------------
# update


def _as_declared(resource_json: dict[str, Any]) -> dict[str, Any]:
    """A resource as the template declares it (moto adds an empty Properties when parsing)."""
    return {k: v for k, v in resource_json.items() if not (k == "Properties" and v == {})}


def resource_diff(
    resource_map: Any, template: dict[str, Any], parameters: Any = None
) -> dict[str, list[str]]:
    """What an update adds, modifies and removes: a resource whose declaration changed, or
    that refers to a parameter whose value changed."""
    from moto.cloudformation.parsing import get_references_from_template

    old, new = resource_map._resource_json_map, template["Resources"]
    # Values as resolved: the one given, else the template's Default (a new Default with
    # nothing given is a new value; CreateChangeSet, Parameters).
    before = parameter_values(resource_map._template, resource_map.input_parameters)
    after = parameter_values(template, parameters or resource_map.input_parameters)
    changed_parameters = {p for p in after if p in before and before[p] != after[p]}
    return {
        "Add": [name for name in new if name not in old],
        "Modify": [
            name
            for name in new
            if name in old
            and (
                _as_declared(new[name]) != _as_declared(old[name])
                or changed_parameters & set(get_references_from_template(new[name]))
            )
        ],
        "Remove": [name for name in old if name not in new],
    }


def _state(resource_map: Any) -> dict[str, Any]:
    return {
        "_template": resource_map._template,
        "_resource_json_map": resource_map._resource_json_map,
        "input_parameters": resource_map.input_parameters,
        "resolved_parameters": dict(resource_map.resolved_parameters),
        "_parsed_resources": dict(resource_map._parsed_resources),
    }


def _restore(resource_map: Any, state: dict[str, Any]) -> None:
    resource_map._template = state["_template"]
    resource_map._resource_json_map = state["_resource_json_map"]
    resource_map.input_parameters = state["input_parameters"]
    resource_map._parsed_resources = dict(state["_parsed_resources"])
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()


def _replaced(
    old_resources: dict[str, Any],
    new_resources: dict[str, Any],
    added: set[str],
    before_values: dict[str, Any],
    after_values: dict[str, Any],
) -> set[str]:
    """What an update replaces: a modified resource whose change needs a new one, and then
    every resource whose create-only property refers to a replaced one."""
    replaced = {
        name
        for name in before_values
        if _replaces(new_resources[name]["Type"], before_values[name], after_values[name])
    }
    growing = True
    while growing:
        growing = False
        for name in set(new_resources) - added - replaced:
            if name in old_resources and any(
                decide(new_resources[name]["Type"], new_resources[name], replaced)
                for decide in REPLACES_THROUGH
            ):
                replaced.add(name)
                growing = True
    return replaced


def _updated_in_place(
    new_resources: dict[str, Any], modified: set[str], added: set[str], replaced: set[str]
) -> set[str]:
    """What an update changes in place: what it modifies without replacing, and what refers
    to a replaced resource (updated to the new copy, as CloudFormation does)."""
    in_place = modified - replaced
    for name in set(new_resources) - added - replaced - in_place:
        if dependencies(new_resources, name) & replaced:
            in_place.add(name)
    return in_place


def _load_template(resource_map: Any, template: dict[str, Any], parameters: Any) -> None:
    """Make `template` (with `parameters`, when given) the resource map's own."""
    resource_map._template = template
    if parameters:
        resource_map.input_parameters = parameters
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()
    resource_map._resource_json_map = template["Resources"]


def _refuse_custom_name_replacement(
    resource_map: Any,
    name: str,
    resource_type: str,
    old: dict[str, Any],
    new: dict[str, Any],
    old_copy: Any,
) -> None:
    """Fail the update (UPDATE_FAILED on `name`) when its replacement would need the name the
    template fixes and the old copy still holds."""
    fixed = _custom_name(resource_type, old, new)
    if fixed is not None:
        error = CustomNameReplacement(fixed)
        resource_event(
            resource_map, name, resource_type, "UPDATE_FAILED", str(error),
            physical_id_of(old_copy),
        )  # fmt: skip
        raise error


def _clean_up(
    resource_map: Any,
    before: dict[str, Any],
    removed: list[str],
    old_copies: dict[str, Any],
) -> None:
    """The update's cleanup: delete what it removed and the old copies of what it replaced,
    as their policies say; a resource that cannot go is DELETE_FAILED, and nothing here
    fails the stack."""
    old_resources: dict[str, Any] = before["_resource_json_map"]
    doomed = [
        (name, before["_parsed_resources"][name], old_resources[name],
         policy_of(old_resources[name], "DeletionPolicy"))
        for name in reversed(creation_order(old_resources))
        if name in removed and _is_resource(before["_parsed_resources"].get(name))
    ]  # fmt: skip
    doomed += [
        (name, old_copies[name], old_resources[name],
         policy_of(old_resources[name], "UpdateReplacePolicy"))
        for name in old_copies
        if _is_resource(old_copies[name])
    ]  # fmt: skip
    for name in removed:
        resource_map._parsed_resources.pop(name, None)
    stack = stack_of(resource_map)
    if doomed and stack is not None:
        stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    for name, refused in remove_all(resource_map, doomed).items():
        resource_event(
            resource_map, name, old_resources[name]["Type"], "DELETE_FAILED", _message(refused),
        )  # fmt: skip


def update(resource_map: Any, template: dict[str, Any], parameters: Any = None) -> None:
    from moto.cloudformation import parsing

    self = resource_map
    actions = resource_diff(self, template, parameters)
    old_resources: dict[str, Any] = self._resource_json_map
    new_resources: dict[str, Any] = template["Resources"]
    added = set(actions["Add"])
    # Replacement is judged on the properties as resolved with the old and the new parameter
    # values: a create-only property fed by a parameter whose value changed replaces too.
    given = parameters or self.input_parameters
    before_values = {n: resolved(self._template, self.input_parameters, old_resources[n])
                     for n in actions["Modify"]}  # fmt: skip
    after_values = {n: resolved(template, given, new_resources[n]) for n in actions["Modify"]}
    replaced = _replaced(old_resources, new_resources, added, before_values, after_values)
    modified = _updated_in_place(new_resources, set(actions["Modify"]), added, replaced)

    before = _state(self)
    old_copies = {n: self._parsed_resources.pop(n) for n in replaced if n in self._parsed_resources}
    for name in added:  # left in moto's cache by an earlier removal: not in the stack any more
        self._parsed_resources.pop(name, None)
    _load_template(self, template, parameters)

    created: list[str] = []
    updated: list[str] = []
    current = ""
    try:
        for name in creation_order(new_resources):
            current = name
            if name in replaced:
                _refuse_custom_name_replacement(
                    self, name, new_resources[name]["Type"],
                    before_values.get(name, old_resources[name]),
                    after_values.get(name, new_resources[name]), old_copies.get(name),
                )  # fmt: skip
            if name in added or name in replaced:
                if self[name] is not None:
                    created.append(name)
            elif name in modified:
                changed = parsing.parse_and_update_resource(
                    name, new_resources[name], self, self._account_id, self._region_name
                )
                if changed is not None:
                    self._parsed_resources[name] = changed
                updated.append(name)
    except Exception:
        # The resource whose update failed is rolled back too (to its previous properties).
        failed = [current] if current in modified and current not in updated else []
        _roll_back_update(self, before, new_resources, created=created, updated=updated + failed)
        raise
    _clean_up(self, before, actions["Remove"], old_copies)


def _message(error: Exception) -> str:
    code = getattr(error, "error_type", None) or getattr(error, "code", None)
    text = getattr(error, "message", None) or str(error)
    return f"{code}: {text}" if code and not str(text).startswith(str(code)) else str(text)


def _roll_back_update(
    resource_map: Any,
    before: dict[str, Any],
    new_resources: dict[str, Any],
    *,
    created: list[str],
    updated: list[str],
) -> None:
    """Put the stack back as it was: delete what this update created (a Retain policy keeps
    even that), then apply the previous properties to what it updated. What could not be
    put back is recorded, with the reason, in the map's `appstack_unrolled` (EM430)."""
    from moto.cloudformation import parsing

    self = resource_map
    doomed = [
        (name, self._parsed_resources[name], new_resources[name],
         "Delete" if policy_of(new_resources[name], "DeletionPolicy") != "Retain" else "Retain")
        for name in reversed(created)
        if _is_resource(self._parsed_resources.get(name))
    ]  # fmt: skip
    remove_all(self, doomed)
    _restore(self, before)
    old_resources = before["_resource_json_map"]
    unrolled: dict[str, str] = {}
    self.appstack_unrolled = unrolled
    for name in updated:
        try:
            changed = parsing.parse_and_update_resource(
                name, old_resources[name], self, self._account_id, self._region_name
            )
        except Exception as exc:  # not put back: EM430 says what that does to the stack
            resource_event(self, name, old_resources[name]["Type"], "UPDATE_FAILED", _message(exc))
            unrolled[name] = _message(exc)
        else:
            if changed is not None:
                self._parsed_resources[name] = changed


# ---------------------------------------------------------------------------------------
# create and delete


def _roll_back_create(resource_map: Any) -> None:
    """A failed creation deletes every resource it made (RetainExceptOnCreate too)."""
    resources = resource_map._resource_json_map
    doomed = [
        (name, resource_map._parsed_resources[name], resources[name],
         "Retain" if resources[name].get("DeletionPolicy") == "Retain" else "Delete")
        for name in reversed(creation_order(resources))
        if _is_resource(resource_map._parsed_resources.get(name))
    ]  # fmt: skip
    remove_all(resource_map, doomed)
    for name in resources:
        resource_map._parsed_resources.pop(name, None)
    resource_map._resource_json_map = {}  # the stack has no resources left


def delete(resource_map: Any) -> None:
    """Delete the stack's resources as their DeletionPolicy says; a resource the service
    refuses to delete stays (DELETE_FAILED), and so does the stack."""
    resources = resource_map._resource_json_map
    doomed = [
        (name, resource_map._parsed_resources[name], resources[name],
         policy_of(resources[name], "DeletionPolicy"))
        for name in reversed(creation_order(resources))
        if _is_resource(resource_map._parsed_resources.get(name))
    ]  # fmt: skip
    errors = remove_all(resource_map, doomed)
    gone = {name for name, _, _, _ in doomed if name not in errors}
    for name in gone:
        resource_map._parsed_resources.pop(name, None)
    # What is gone is no longer the stack's (moto would create it again on the next look).
    resource_map._resource_json_map = {k: v for k, v in resources.items() if k not in gone}
    for name, error in errors.items():
        resource_event(
            resource_map, name, resources[name]["Type"], "DELETE_FAILED", _message(error)
        )
    if errors:
        raise ResourcesFailed(
            "delete", list(errors), {name: _message(error) for name, error in errors.items()}
        )


@rule(
    "EM100",
    "An update creates and updates first and deletes in cleanup; a failure rolls back",
    SOURCE,
)
def install() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import Stack
    from moto.cloudformation.parsing import ResourceMap

    original_map = Stack._create_resource_map

    def _create_resource_map(self: Any) -> Any:
        resource_map = original_map(self)
        setattr(resource_map, "appstack_stack", self)  # noqa: B010
        return resource_map

    original_create = ResourceMap.create

    def create(self: Any, template: dict[str, Any]) -> bool:
        try:
            return bool(original_create(self, template))
        except Exception:
            _roll_back_create(self)
            raise

    original_parse_and_create = parsing.parse_and_create_resource

    def parse_and_create_resource(
        logical_id: str, resource_json: Any, resources_map: Any, *args: Any, **kwargs: Any
    ) -> Any:
        try:
            return original_parse_and_create(
                logical_id, resource_json, resources_map, *args, **kwargs
            )
        except Exception as exc:
            if not getattr(exc, "appstack_reported", False):
                exc.appstack_reported = True  # type: ignore[attr-defined]
                resource_event(
                    resources_map, logical_id, resource_json.get("Type", ""), "CREATE_FAILED",
                    _message(exc),
                )  # fmt: skip
            raise

    original_create_resources = Stack.create_resources

    def create_resources(self: Any) -> None:
        """CreateStack: a failed creation ends ROLLBACK_COMPLETE (not an error answer)."""
        try:
            original_create_resources(self)
        except Exception as exc:
            self._add_stack_event("CREATE_FAILED", resource_status_reason=_message(exc))
            self._add_stack_event("ROLLBACK_COMPLETE")
            self.status = "ROLLBACK_COMPLETE"

    original_stack_update = Stack.update

    def stack_update(self: Any, template: str, *args: Any, **kwargs: Any) -> None:
        """UpdateStack: a failed update ends UPDATE_ROLLBACK_COMPLETE on the old template."""
        previous = self.template
        try:
            original_stack_update(self, template, *args, **kwargs)
        except Exception as exc:
            self.template = previous
            self._parse_template()
            self._add_stack_event("UPDATE_FAILED", resource_status_reason=_message(exc))
            self._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
            self.status = "UPDATE_ROLLBACK_COMPLETE"

    setattr(Stack, "_create_resource_map", _create_resource_map)  # noqa: B010
    setattr(Stack, "create_resources", create_resources)  # noqa: B010
    setattr(Stack, "update", stack_update)  # noqa: B010
    setattr(ResourceMap, "create", create)  # noqa: B010
    setattr(ResourceMap, "update", update)  # noqa: B010
    setattr(ResourceMap, "build_resource_diff", resource_diff)  # noqa: B010
    setattr(ResourceMap, "delete", delete)  # noqa: B010
    setattr(parsing, "parse_and_create_resource", parse_and_create_resource)  # noqa: B010
