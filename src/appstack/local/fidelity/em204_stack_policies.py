"""EM204: a stack policy decides which resources an update may modify, replace or delete.

"After you set a stack policy, all of the resources in the stack are protected by default":
an update of a resource needs a statement that allows its action (Update:Modify,
Update:Replace for a change whose Replacement is True or Conditional, Update:Delete for a
removed resource), matched by Resource or NotResource (LogicalResourceId/NAME, wildcards) and
Action or NotAction, and by a ResourceType Condition when there is one; a Deny that matches
wins over every Allow. A denied update fails: the resource reports UPDATE_FAILED "Action denied
by stack policy", and the stack rolls back to UPDATE_ROLLBACK_COMPLETE with nothing changed.
UpdateStack may name a policy for that update alone (StackPolicyDuringUpdateBody) and a new
one (StackPolicyBody). moto 5.2.5 stores the policy and never reads it. Added resources are
not governed by it.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from typing import Any

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import drop_other_change_sets, find_change_set, find_stack


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _matches(patterns: Iterable[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def _condition_holds(condition: dict[str, Any], resource_type: str) -> bool:
    for operator, keys in condition.items():
        wanted = _listed(keys.get("ResourceType")) if isinstance(keys, dict) else []
        if operator == "StringEquals":
            held = resource_type in wanted
        elif operator == "StringNotEquals":
            held = resource_type not in wanted
        elif operator == "StringLike":
            held = _matches(wanted, resource_type)
        elif operator == "StringNotLike":
            held = not _matches(wanted, resource_type)
        else:
            held = False
        if not held:
            return False
    return True


def _applies(statement: dict[str, Any], action: str, logical_id: str, resource_type: str) -> bool:
    resource = f"LogicalResourceId/{logical_id}"
    if "Action" in statement and not _matches(_listed(statement["Action"]), action):
        return False
    if "NotAction" in statement and _matches(_listed(statement["NotAction"]), action):
        return False
    if "Resource" in statement and not _matches(_listed(statement["Resource"]), resource):
        return False
    if "NotResource" in statement and _matches(_listed(statement["NotResource"]), resource):
        return False
    return _condition_holds(statement.get("Condition") or {}, resource_type)


def denial(policy: str, action: str, logical_id: str, resource_type: str) -> str | None:
    """Why `policy` (a stack policy's JSON text) denies `action` on the resource; None if it
    allows it. No policy allows everything."""
    if not policy.strip():
        return None
    statements = json.loads(policy).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for number, statement in enumerate(statements, start=1):
        if not _applies(statement, action, logical_id, resource_type):
            continue
        if statement.get("Effect") == "Deny":
            return (
                f"Action denied by stack policy: Statement [#{number}] does not allow "
                f"[{action}] for resource [LogicalResourceId/{logical_id}]"
            )
        allowed = allowed or statement.get("Effect") == "Allow"
    if allowed:
        return None
    return (
        f"Action denied by stack policy: No statement allows [{action}] for resource "
        f"[LogicalResourceId/{logical_id}]"
    )


def action_of(change: Any) -> str | None:
    """The stack-policy action of one change of a change set (None: an added resource)."""
    if change.action == "Remove":
        return "Update:Delete"
    if change.action == "Modify":
        replacement = str(getattr(change, "replacement", "False"))
        return "Update:Replace" if replacement in ("True", "Conditional") else "Update:Modify"
    return None


def denials(policy: str, changes: Iterable[Any]) -> list[tuple[Any, str]]:
    """The changes `policy` denies, each with the reason."""
    found = []
    for change in changes:
        action = action_of(change)
        reason = action and denial(policy, action, change.logical_resource_id, change.resource_type)
        if reason:
            found.append((change, reason))
    return found


def roll_back(stack: Any, denied: list[tuple[Any, str]]) -> None:
    """Record a denied update as CloudFormation does: the resource fails, the stack rolls back,
    nothing is changed."""
    from moto.cloudformation.models import Event

    stack._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    for change, reason in denied:
        existing = stack.resource_map._parsed_resources.get(change.logical_resource_id)
        event = Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=change.logical_resource_id,
            physical_resource_id=str(getattr(existing, "physical_resource_id", "") or ""),
            resource_type=change.resource_type,
            resource_status="UPDATE_FAILED",
            resource_status_reason=reason,
            resource_properties=None,
        )
        stack.events.append(event)
    stack._add_stack_event(
        "UPDATE_ROLLBACK_IN_PROGRESS",
        resource_status_reason="The following resource(s) failed to update: ["
        + ", ".join(change.logical_resource_id for change, _ in denied)
        + "]. ",
    )
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
    stack.status = "UPDATE_ROLLBACK_COMPLETE"


#: StackPolicyDuringUpdateBody of the UpdateStack being answered, by the stack name it gave.
_DURING_UPDATE: dict[str, str] = {}


@rule(
    "EM204",
    "Stack policies: each change of an update is allowed or denied (Deny wins, default deny)",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html",
)
def install() -> None:
    from moto.cloudformation.models import ChangeSet, CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationBackend, "execute_change_set")
    def execute_change_set(
        original: Method, self: Any, change_set_name: str, stack_name: str | None = None
    ) -> None:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is not None and change_set.change_set_type == "UPDATE":
            stack = find_stack(self, change_set.stack_id)
            denied = denials(stack.policy or "", change_set.changes) if stack is not None else []
            if denied:
                drop_other_change_sets(self, change_set)  # a denied execution drops them too
                change_set.execution_status = "EXECUTE_FAILED"
                roll_back(stack, denied)
                return
        original(self, change_set_name, stack_name)

    @in_place_of(CloudFormationBackend, "update_stack")
    def update_stack(
        original: Method, self: Any, name: str, template: str, *a: Any, **kw: Any
    ) -> Any:
        stack = find_stack(self, name)
        during = _DURING_UPDATE.pop(name, None)
        rules = during if during is not None else (stack.policy if stack is not None else "")
        if stack is not None and (rules or "").strip():
            preview = ChangeSet(
                change_set_type="UPDATE",
                change_set_id="stack-policy-preview",
                change_set_name="stack-policy-preview",
                stack=stack,
                template=template,
                parameters=stack.parameters,
                description="",
            )
            denied = denials(rules or "", preview.changes)
            if denied:
                roll_back(stack, denied)
                return stack
        return original(self, name, template, *a, **kw)

    @in_place_of(CloudFormationResponse, "update_stack")
    def update_stack_with_policies(original: Method, self: Any) -> Any:
        """UpdateStack's StackPolicyDuringUpdateBody (this update only) and StackPolicyBody
        (the stack's policy from now on), which moto ignores."""
        name = self._get_param("StackName")
        during = self._get_param("StackPolicyDuringUpdateBody")
        if during:
            _DURING_UPDATE[name] = during
        try:
            answer = original(self)
        finally:
            _DURING_UPDATE.pop(name, None)
        new_policy = self._get_param("StackPolicyBody")
        stack = find_stack(self.cloudformation_backend, name)
        if new_policy and stack is not None:
            stack.policy = new_policy
        return answer
