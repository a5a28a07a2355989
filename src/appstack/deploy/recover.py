"""Recover a stuck stack: find why it is stuck, and the one way forward that keeps the data.

A stack CloudFormation takes no update from is one of three (the states of
`data/stack_states.json` that `recover` owns):

- UPDATE_ROLLBACK_FAILED: a rollback could not put some resources back. ContinueUpdateRollback
  tries them again; ResourcesToSkip gives up on rolling back the ones named, which leaves them
  "inconsistent with the state of the resources in the stack template"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html).
  Only resources that hold no data are offered for skipping (the table of stateful types the
  data-loss guard reads, `appstack.data.stateful`): a table, a database or a key left out of
  step with its template is fixed by hand, never skipped.
- ROLLBACK_COMPLETE: the first creation failed and rolled back; the only way forward is to
  delete the stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html).
  The rollback kept in the account what a Retain policy keeps: that is shown first.
- REVIEW_IN_PROGRESS with no resources: a change set that never ran; deleting the stack frees
  the name (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).

Anything else is not stuck: `plan` says so and names the command that fits. Nothing here
prints or asks: the command shows the plan, confirms, and calls `run`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from appstack.checks.preflight import busy
from appstack.data.stateful import holds_data
from appstack.deploy import events, stacks

CONTINUE = "continue-rollback"
DELETE = "delete"
NOTHING = "nothing"


@dataclass(frozen=True)
class Stuck:
    """A resource the rollback could not put back."""

    logical_id: str
    resource_type: str
    reason: str
    holds_data: bool

    def __str__(self) -> str:
        return f"{self.logical_id} ({self.resource_type})"


@dataclass
class Plan:
    """What `recover` will do to the stack, and why."""

    stack: str
    status: str
    #: CONTINUE, DELETE or NOTHING.
    action: str
    #: One sentence: what the state means and what is done (or which command fits).
    advice: str
    #: The reasons of the failed events of the operation that left the stack so.
    reasons: list[str] = field(default_factory=list)
    #: UPDATE_ROLLBACK_FAILED: what the rollback could not put back.
    stuck: list[Stuck] = field(default_factory=list)
    #: ROLLBACK_COMPLETE: what the failed creation kept in the account.
    retained: list[str] = field(default_factory=list)
    #: Whether the resources that hold no data are skipped (declined: all are retried).
    skipping: bool = True

    @property
    def skippable(self) -> list[str]:
        """Those the rollback could not put back that hold no data: the only ones offered."""
        return [s.logical_id for s in self.stuck if not s.holds_data]

    @property
    def skip(self) -> list[str]:
        """The resources to skip (ResourcesToSkip)."""
        return self.skippable if self.skipping else []

    @property
    def kept_stuck(self) -> list[Stuck]:
        """Those that hold data: never skipped, retried (their cause may be fixed by now)."""
        return [s for s in self.stuck if s.holds_data]


def plan(cfn: Any, stack: dict[str, Any]) -> Plan:
    """What `recover` does for `stack` (as DescribeStacks answered it)."""
    name, status = stack["StackName"], stack["StackStatus"]
    if status == "UPDATE_ROLLBACK_FAILED":
        stuck = _stuck(cfn, name)
        return Plan(
            name,
            status,
            CONTINUE,
            "a rollback could not put everything back; it is continued, skipping only what "
            "holds no data",
            _failure_reasons(cfn, name),
            stuck,
        )
    if status == "ROLLBACK_COMPLETE":
        return Plan(
            name,
            status,
            DELETE,
            "the first creation failed and rolled back; the stack holds nothing and can only "
            "be deleted, then deployed again",
            _failure_reasons(cfn, name),
            retained=_kept_by_rollback(cfn, name),
        )
    if status == "REVIEW_IN_PROGRESS":
        if stacks.physical_ids(cfn, name):
            advice = f"under review, yet it holds resources: see appstack events {name}"
            return Plan(name, status, NOTHING, advice)
        return Plan(
            name,
            status,
            DELETE,
            "it holds only a change set that never ran; deleting it frees the name",
        )
    return Plan(name, status, NOTHING, _not_stuck(name, status))


def _not_stuck(name: str, status: str) -> str:
    if busy(status):
        return f"an operation is running; follow it: appstack watch {name}"
    if status in ("ROLLBACK_FAILED", "DELETE_FAILED"):
        return f"a deletion is the way forward: appstack destroy {name}"
    if status.startswith("DELETE"):
        return "the stack is deleted"
    return "the stack is not stuck: appstack deploy accepts it"


def _stuck(cfn: Any, name: str) -> list[Stuck]:
    """The resources the rollback left UPDATE_FAILED, each judged by the stateful table."""
    try:
        declared = stacks.template_of(cfn, name).get("Resources", {})
    except (ClientError, ValueError):
        declared = {}
    found = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name):
        for summary in page["StackResourceSummaries"]:
            if summary.get("ResourceStatus") != "UPDATE_FAILED":
                continue
            logical_id, resource_type = summary["LogicalResourceId"], summary["ResourceType"]
            found.append(
                Stuck(
                    logical_id,
                    resource_type,
                    summary.get("ResourceStatusReason", ""),
                    holds_data(resource_type, declared.get(logical_id, {})),
                )
            )
    return found


def _last_operation(cfn: Any, name: str) -> list[dict[str, Any]]:
    """The events of the stack's last operation that started by a user, newest first."""
    found = []
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=name):
        for item in page["StackEvents"]:
            found.append(item)
            is_stack = item.get("ResourceType") == "AWS::CloudFormation::Stack"
            if is_stack and item.get("ResourceStatus") in ("UPDATE_IN_PROGRESS",
                                                           "CREATE_IN_PROGRESS"):  # fmt: skip
                return found
    return found


def _failure_reasons(cfn: Any, name: str) -> list[str]:
    """Each failed resource event of the last operation, oldest first: why it is stuck."""
    reasons = [
        f"{item.get('LogicalResourceId', '')} {item['ResourceStatus']}: "
        f"{item.get('ResourceStatusReason', '')}"
        for item in reversed(_last_operation(cfn, name))
        if item["ResourceStatus"].endswith("_FAILED")
        and item.get("ResourceType") != "AWS::CloudFormation::Stack"
    ]
    return list(dict.fromkeys(reasons))


def _kept_by_rollback(cfn: Any, name: str) -> list[str]:
    """What the rolled-back creation left in the account: the resources it skipped deleting
    (DELETE_SKIPPED, a Retain policy), with their physical ids."""
    return list(
        dict.fromkeys(
            f"{item['LogicalResourceId']} ({item.get('ResourceType', '')}): "
            f"{item.get('PhysicalResourceId', '')}"
            for item in reversed(_last_operation(cfn, name))
            if item["ResourceStatus"] == "DELETE_SKIPPED"
        )
    )


def run(
    cfn: Any, chosen: Plan, on_event: Callable[[events.Event], None] | None = None
) -> stacks.Outcome:
    """Carry out `chosen` and follow it to its end (its events handed to `on_event`)."""
    token = f"appstack-recover-{uuid.uuid4().hex}"
    name = chosen.stack
    if chosen.action == CONTINUE:
        skip = {"ResourcesToSkip": chosen.skip} if chosen.skip else {}
        cfn.continue_update_rollback(StackName=name, ClientRequestToken=token, **skip)
    elif chosen.action == DELETE:
        if chosen.status == "ROLLBACK_COMPLETE":
            # A failed creation holds nothing: protection kept by an interrupted deploy
            # (apply lifts it once the creation rolled back) guards nothing.
            cfn.update_termination_protection(StackName=name, EnableTerminationProtection=False)
        cfn.delete_stack(StackName=name, ClientRequestToken=token)
    else:
        raise ValueError(f"nothing to carry out for {name} ({chosen.status})")
    final, seen = stacks.follow(cfn, name, on_event, token)
    outcome = stacks.Outcome(name, final["StackStatus"], failure=events.root_cause(seen))
    outcome.retained = chosen.retained if chosen.action == DELETE else []
    return outcome


def recovered(outcome: stacks.Outcome) -> bool:
    """Whether the stack is in a state `deploy` accepts (or gone, which it accepts too)."""
    return outcome.status in ("UPDATE_ROLLBACK_COMPLETE", "DELETE_COMPLETE")
