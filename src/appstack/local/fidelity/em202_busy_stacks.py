"""EM202: a stack that is busy takes no second operation.

While a stack is *_IN_PROGRESS (other than REVIEW_IN_PROGRESS), AWS refuses UpdateStack, an
UPDATE change set and ExecuteChangeSet with ValidationError "Stack:ARN is in STATUS state and
can not be updated.", DeleteStack with "Stack [NAME] cannot be deleted while in status STATUS"
(a second DeleteStack of a stack being deleted is accepted and changes nothing),
DeleteChangeSet with InvalidChangeSetStatus ("the stack status might be UPDATE_IN_PROGRESS"),
and SetStackPolicy (a stack takes a policy once no operation runs on it, nor while it is under
review).
A stack whose creation rolled back (ROLLBACK_COMPLETE) takes no update either. moto 5.2.5 runs
every operation at once and checks none of this (only UpdateStack on ROLLBACK_COMPLETE).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import (
    InvalidChangeSetStatus,
    cannot_be_updated,
    find_change_set,
    find_stack,
)


def busy(stack: Any) -> bool:
    status: str = stack.status
    return status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"


def _check_update(stack: Any | None) -> None:
    if stack is not None and (busy(stack) or stack.status == "ROLLBACK_COMPLETE"):
        raise cannot_be_updated(stack)


@rule(
    "EM202",
    "A busy stack (*_IN_PROGRESS) refuses a second update, change set execution or delete",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend as Backend

    @in_place_of(Backend, "create_change_set")
    def create_change_set(original: Method, self: Any, **kw: Any) -> Any:
        if kw.get("change_set_type") == "UPDATE":
            _check_update(find_stack(self, kw["stack_name"]))
        return original(self, **kw)

    @in_place_of(Backend, "execute_change_set")
    def execute_change_set(
        original: Method, self: Any, change_set_name: str, stack_name: str | None = None
    ) -> Any:
        change_set = find_change_set(self, change_set_name, stack_name)
        if change_set is not None:
            _check_update(find_stack(self, change_set.stack_id))
        return original(self, change_set_name, stack_name)

    @in_place_of(Backend, "update_stack")
    def update_stack(original: Method, self: Any, name: str, *a: Any, **kw: Any) -> Any:
        _check_update(find_stack(self, name))
        return original(self, name, *a, **kw)

    @in_place_of(Backend, "delete_stack")
    def delete_stack(original: Method, self: Any, name_or_stack_id: str, *a: Any, **kw: Any) -> Any:
        stack = find_stack(self, name_or_stack_id)
        if stack is not None and stack.status == "DELETE_IN_PROGRESS":
            return None  # being deleted already: AWS accepts the call and changes nothing
        if stack is not None and busy(stack):
            raise ValidationError(
                message=f"Stack [{stack.name}] cannot be deleted while in status {stack.status}"
            )
        return original(self, name_or_stack_id, *a, **kw)

    @in_place_of(Backend, "delete_change_set")
    def delete_change_set(original: Method, self: Any, change_set_name: str) -> Any:
        change_set = find_change_set(self, change_set_name)
        stack = find_stack(self, change_set.stack_id) if change_set is not None else None
        if change_set is not None and stack is not None and busy(stack):
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set.change_set_id}] cannot be deleted while the stack "
                f"is in {stack.status} state"
            )
        return original(self, change_set_name)

    @in_place_of(Backend, "set_stack_policy")
    def set_stack_policy(original: Method, self: Any, stack_name: str, policy_body: str) -> Any:
        stack = find_stack(self, stack_name)
        if stack is not None and stack.status.endswith("_IN_PROGRESS"):
            raise cannot_be_updated(stack)  # under review too: there is nothing to protect yet
        return original(self, stack_name, policy_body=policy_body)
