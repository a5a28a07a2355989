"""Destroy past DELETE_FAILED: delete the stack again, keeping exactly what could not be deleted.

A delete that fails (a VPC with a network interface made outside the stack, a bucket that is
not empty) leaves the stack DELETE_FAILED, and deleting it again fails the same way. DeleteStack
takes RetainResources for a DELETE_FAILED stack: the stack goes, the named resources stay in the
account (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
appstack retains exactly the resources whose deletion failed, as ListStackResources reports
them, and a resource that holds data (`data/stateful.json`) only when the caller names it: it
is then outside any stack, and its cost and data are the account's to look after.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from appstack.data.stateful import stateful_types
from appstack.deploy import events
from appstack.deploy.session import Connection
from appstack.deploy.stacks import DeployError, Outcome, describe, follow


@dataclass(frozen=True)
class Undeletable:
    """A resource of a DELETE_FAILED stack that CloudFormation could not delete."""

    logical_id: str
    resource_type: str
    physical_id: str
    reason: str

    @property
    def stateful(self) -> bool:
        return self.resource_type in stateful_types()

    def __str__(self) -> str:
        return f"{self.logical_id} ({self.resource_type} {self.physical_id}): {self.reason}"


class UnconfirmedStatefulRetain(DeployError):
    """Retaining would leave a resource that holds data outside any stack, unconfirmed."""

    def __init__(self, stack_name: str, unconfirmed: list[Undeletable]) -> None:
        self.resources = unconfirmed
        names = " ".join(f"--retain {r.logical_id}" for r in unconfirmed)
        listed = "; ".join(str(r) for r in unconfirmed)
        super().__init__(
            f"stack {stack_name} could not delete resources that hold data: {listed}. Keeping "
            f"them leaves them in the account outside any stack; say so by naming them: "
            f"appstack destroy {stack_name} {names}"
        )


def undeletable(cfn: Any, stack_name: str) -> list[Undeletable]:
    """The resources whose deletion failed, from every page of ListStackResources."""
    pages = cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name)
    return [
        Undeletable(
            r["LogicalResourceId"],
            r.get("ResourceType", ""),
            r.get("PhysicalResourceId", ""),
            r.get("ResourceStatusReason", ""),
        )
        for page in pages
        for r in page["StackResourceSummaries"]
        if r.get("ResourceStatus") == "DELETE_FAILED"
    ]


def destroy_retaining(
    conn: Connection,
    stack_name: str,
    confirmed: Collection[str] = (),
    on_event: Callable[[events.Event], None] | None = None,
) -> Outcome:
    """Delete a DELETE_FAILED stack, keeping the resources whose deletion failed.

    Each stateful one must be in `confirmed` (logical ids), or nothing is done and
    UnconfirmedStatefulRetain names them. `Outcome.retained` lists what stays."""
    cfn = conn.client("cloudformation")
    stack = describe(cfn, stack_name)
    if stack is None:
        raise DeployError(f"stack {stack_name} does not exist")
    if stack["StackStatus"] != "DELETE_FAILED":
        raise DeployError(
            f"stack {stack_name} is {stack['StackStatus']}, not DELETE_FAILED: only a stack "
            f"whose delete failed can keep resources. Destroy it: appstack destroy {stack_name}"
        )
    failed = undeletable(cfn, stack_name)
    if not failed:
        raise DeployError(
            f"stack {stack_name} is DELETE_FAILED but names no resource that failed; see "
            f"`appstack events {stack_name}`, then run appstack destroy {stack_name} again"
        )
    unconfirmed = [r for r in failed if r.stateful and r.logical_id not in confirmed]
    if unconfirmed:
        raise UnconfirmedStatefulRetain(stack_name, unconfirmed)
    token = f"appstack-destroy-{uuid.uuid4().hex}"
    cfn.delete_stack(
        StackName=stack_name,
        RetainResources=[r.logical_id for r in failed],
        ClientRequestToken=token,
    )
    final, seen = follow(cfn, stack_name, on_event, token)
    retained = [
        f"{r.logical_id} ({r.resource_type} {r.physical_id}): kept, outside any stack"
        for r in failed
    ]
    return Outcome(stack_name, final["StackStatus"], None, {}, events.root_cause(seen), retained)
