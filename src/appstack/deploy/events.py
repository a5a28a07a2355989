"""Stack events: follow one operation's events, and find its first failure (the root cause).

DescribeStackEvents answers the stack's whole history, newest first, a page at a time
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
A follower reads only what is new (it stops paging at the first event it has seen) and keeps
only the events of its own operation: "all events triggered by a given stack operation are
assigned the same client request token" (StackEvent.ClientRequestToken,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html), the
token appstack passes to ExecuteChangeSet and DeleteStack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    """One stack event: what happened to which resource, and why."""

    id: str
    time: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str
    token: str | None = None

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


def _event(item: dict[str, Any]) -> Event:
    return Event(
        item["EventId"],
        item["Timestamp"],
        item.get("LogicalResourceId", ""),
        item.get("ResourceType", ""),
        item.get("ResourceStatus", ""),
        item.get("ResourceStatusReason", ""),
        item.get("ClientRequestToken"),
    )


def since(cfn: Any, stack_name: str, seen: set[str], token: str | None = None) -> list[Event]:
    """New events of the stack, oldest first; `seen` remembers those already read.

    Paging stops at the first event seen before (everything older was read then). With
    `token`, only the events of the operation called with it: operations on a stack never
    overlap, so its events are the newest, and paging also stops at the first older one."""
    fresh: list[Event] = []
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack_name):
        ended = False
        for item in page["StackEvents"]:
            if item["EventId"] in seen or (
                token is not None and item.get("ClientRequestToken") != token
            ):
                ended = True
                break
            fresh.append(_event(item))
        if ended:
            break
    seen.update(e.id for e in fresh)
    return sorted(fresh, key=lambda e: e.time)


def newest(cfn: Any, stack_name: str) -> dict[str, Any] | None:
    """The stack's newest event as AWS describes it (None: none). One call, one page."""
    page = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    return dict(page[0]) if page else None


def root_cause(events: list[Event]) -> Event | None:
    return next((e for e in events if e.failed), None)


#: How close the expected end of every running resource must be for the end to be "near".
NEAR_SECONDS = 5.0


@dataclass
class Pace:
    """Whether the operation's end is near, from its events and typical resource durations.

    `expected(resource_type, action)` gives a resource's typical seconds (the forecast's
    table). The end is near when no resource is running, or when every running resource has
    run about as long as it usually takes; far while one is still expected to run a while.
    """

    expected: Callable[[str, str], float]
    clock: Callable[[], float] = time.monotonic
    #: Running resources: logical id -> (when their start was seen, expected seconds).
    running: dict[str, tuple[float, float]] = field(default_factory=dict)
    started: bool = False

    def saw(self, event: Event) -> None:
        if event.resource_type == "AWS::CloudFormation::Stack":
            self.started = True
            return
        self.started = True
        if event.status.endswith("_IN_PROGRESS"):
            action = event.status.split("_")[0].lower()
            if event.logical_id not in self.running:
                seconds = self.expected(event.resource_type, action)
                self.running[event.logical_id] = (self.clock(), seconds)
        else:
            self.running.pop(event.logical_id, None)

    def near(self) -> bool:
        if not self.started:
            return False
        now = self.clock()
        return all(seen + seconds <= now + NEAR_SECONDS for seen, seconds in self.running.values())
