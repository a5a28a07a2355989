"""EM430: an update rollback that cannot put a resource back ends UPDATE_ROLLBACK_FAILED.

"A stack goes into the UPDATE_ROLLBACK_FAILED state when CloudFormation can't roll back all
changes after a failed stack update", for example when the resource to roll back to was
deleted outside CloudFormation. The resources that could not be put back stay UPDATE_FAILED,
with the reason, in ListStackResources ("to check why a resource update failed, use the
DescribeStackResources action, and view the resource status reason"), and the stack takes no
update until ContinueUpdateRollback (EM431) ends its rollback: UpdateStack and an UPDATE
change set answer "Stack:ARN is in UPDATE_ROLLBACK_FAILED state and can not be updated."
(DeleteStack is still allowed). moto 5.2.5 never rolls back; EM100 rolls back, records what
it could not put back (`appstack_unrolled` of the stack's resource map), and this rule turns
that into the stack's status.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import cannot_be_updated, find_stack

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/"
    "API_ContinueUpdateRollback.html"
)
FAILED = "UPDATE_ROLLBACK_FAILED"
COMPLETE = "UPDATE_ROLLBACK_COMPLETE"


def unrolled(stack: Any) -> dict[str, str]:
    """The resources of `stack` its last rollback could not put back, with the reasons."""
    resource_map = vars(stack).get("resource_map")
    found: dict[str, str] = getattr(resource_map, "appstack_unrolled", {})
    return found


def failed_to_update(names: Any) -> str:
    """The stack event's reason, as CloudFormation words it."""
    return f"The following resource(s) failed to update: [{', '.join(sorted(names))}]."


def _status_follows_what_was_put_back() -> None:
    """A rollback that left resources unrestored ends UPDATE_ROLLBACK_FAILED, whichever path
    (UpdateStack, ExecuteChangeSet) records its end."""
    from moto.cloudformation.models import Stack

    def get_status(self: Any) -> str:
        status: str = vars(self).get("_appstack_status", "")
        return status

    def set_status(self: Any, value: str) -> None:
        if value == COMPLETE and unrolled(self):
            value = FAILED
        vars(self)["_appstack_status"] = value

    add_stack_event = Stack._add_stack_event

    def _add_stack_event(self: Any, resource_status: str, *a: Any, **kw: Any) -> None:
        if resource_status in (COMPLETE, FAILED) and unrolled(self):
            resource_status = FAILED
            kw["resource_status_reason"] = failed_to_update(unrolled(self))
        add_stack_event(self, resource_status, *a, **kw)

    setattr(Stack, "status", property(get_status, set_status))  # noqa: B010
    setattr(Stack, "_add_stack_event", _add_stack_event)  # noqa: B010


def _each_update_starts_afresh() -> None:
    from moto.cloudformation.parsing import ResourceMap

    update = ResourceMap.update

    def fresh_update(self: Any, *a: Any, **kw: Any) -> Any:
        self.appstack_unrolled = {}
        return update(self, *a, **kw)

    setattr(ResourceMap, "update", fresh_update)  # noqa: B010


def _no_update_until_the_rollback_ends() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    create_change_set = CloudFormationBackend.create_change_set
    update_stack = CloudFormationBackend.update_stack

    def refuse(stack: Any | None) -> None:
        if stack is not None and stack.status == FAILED:
            raise cannot_be_updated(stack)

    def checked_create_change_set(self: Any, **kw: Any) -> Any:
        if kw.get("change_set_type") == "UPDATE":
            refuse(find_stack(self, kw["stack_name"]))
        return create_change_set(self, **kw)

    def checked_update_stack(self: Any, name: str, *a: Any, **kw: Any) -> Any:
        refuse(find_stack(self, name))
        return update_stack(self, name, *a, **kw)

    setattr(CloudFormationBackend, "create_change_set", checked_create_change_set)  # noqa: B010
    setattr(CloudFormationBackend, "update_stack", checked_update_stack)  # noqa: B010


def _listed_as_update_failed() -> None:
    """ListStackResources: each resource not put back is UPDATE_FAILED, with its reason."""
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse.list_stack_resources

    def list_stack_resources(self: Any) -> Any:
        answer = original(self)
        stack = find_stack(self.cloudformation_backend, self._get_param("StackName"))
        failed = unrolled(stack) if stack is not None and stack.status == FAILED else {}
        result: dict[str, Any] = answer.result  # type: ignore[assignment]
        for summary in result["StackResourceSummaries"] if failed else []:
            reason = failed.get(str(summary.get("LogicalResourceId")))
            if reason is not None:
                summary["ResourceStatus"] = "UPDATE_FAILED"
                summary["ResourceStatusReason"] = reason
        return answer

    setattr(CloudFormationResponse, "list_stack_resources", list_stack_resources)  # noqa: B010


@rule(
    "EM430",
    "An update rollback that cannot put a resource back ends UPDATE_ROLLBACK_FAILED and "
    "takes no update",
    SOURCE,
)
def install() -> None:
    _status_follows_what_was_put_back()
    _each_update_starts_afresh()
    _no_update_until_the_rollback_ends()
    _listed_as_update_failed()
