"""What the stack-operation rules (EM2xx) share: one lock, and finding stacks and change sets
(the one lookup of a stack or change set by name, which the other rules and the model fixes
use too).

moto's threaded server answers each request on its own thread with no lock, and a stack
operation that takes time (EM207) runs on a thread of its own after its request is answered.
Every request is answered under `LOCK` (`serialize_requests`, installed by EM207), and an
operation holds it too except while it waits (EM207's `wait`): a check of a stack's state
and the change that follows it happen in one step, as CloudFormation makes them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError, ValidationError

#: Held by each request and by a running stack operation (except while it waits).
LOCK = threading.Condition(threading.RLock())


def find_stack(backend: Any, name_or_id: str | None) -> Any | None:
    """The live stack (not deleted) with this name or id, or None."""
    if not name_or_id:
        return None
    if name_or_id in backend.stacks:
        return backend.stacks[name_or_id]
    return next((s for s in backend.stacks.values() if s.name == name_or_id), None)


def stack_holding(backend: Any, physical_id: str, resource_type: str | None = None) -> Any | None:
    """The live stack one of whose resources (of `resource_type`, when given) has this
    physical id, or None."""
    for stack in backend.stacks.values():
        if stack.status in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS"):
            continue  # a stack under review holds no resource yet
        for resource in stack.stack_resources:
            if getattr(resource, "physical_resource_id", None) != physical_id:
                continue
            if resource_type in (None, getattr(resource, "cf_resource_type", None)):
                return stack
    return None


def find_change_set(backend: Any, name: str, stack_name: str | None = None) -> Any | None:
    """The change set with this ARN, or this name (of `stack_name` when given), or None."""
    if name in backend.change_sets:
        return backend.change_sets[name]
    stack = find_stack(backend, stack_name)
    return next(
        (
            c
            for c in backend.change_sets.values()
            if c.change_set_name == name and (stack is None or c.stack_id == stack.stack_id)
        ),
        None,
    )


def backend_of(account_id: str, region_name: str) -> Any:
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[account_id][region_name]


def serialize_requests() -> None:
    """Answer every request of moto's threaded server under `LOCK`."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with LOCK:
            return original(self, environ, start_response)

    setattr(DomainDispatcherApplication, "__call__", __call__)  # noqa: B010


class ChangeSetNotFound(CloudFormationError):
    """ChangeSetNotFound (HTTP 404), as DescribeChangeSet and ExecuteChangeSet answer it."""

    code = "ChangeSetNotFoundException"  # the model's shape; answered as ChangeSetNotFound

    def __init__(self, name: str) -> None:
        super().__init__(f"ChangeSet [{name}] does not exist")


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatusException"  # answered as InvalidChangeSetStatus

    def __init__(self, message: str) -> None:
        super().__init__(message)


def cannot_be_updated(stack: Any) -> ValidationError:
    """AWS's refusal of a change to a stack whose status does not allow one."""
    return ValidationError(
        message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
    )


# What executing a change set does to its stack on AWS, and moto does not: executing one
# deletes every other change set of the stack (they were computed against the stack as it
# was), so two deploys that race on one stack meet ChangeSetNotFoundException on AWS; and the
# stack takes its template's Description from the change set that ran (moto leaves the stack
# of a CREATE change set without one). EM206 runs every execution through this.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html


def drop_other_change_sets(backend: Any, change_set: Any) -> None:
    """Delete the change sets of `change_set`'s stack but this one, as executing it does
    (they were computed against the stack as it was)."""
    others = [
        key
        for key, other in backend.change_sets.items()
        if other.stack_id == change_set.stack_id and other is not change_set
    ]
    for key in others:
        del backend.change_sets[key]


def execute_as_aws_does(backend: Any, change_set: Any, execute: Callable[[], None]) -> None:
    """Run `change_set` of `backend` through `execute` (moto's own execution): the other
    change sets of its stack go first, and the stack takes the template's Description."""
    drop_other_change_sets(backend, change_set)
    execute()
    stack = backend.stacks[change_set.stack_id]
    stack.description = change_set.template_dict.get("Description")
