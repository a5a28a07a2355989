"""Stack events: follow them, and find the first failure (the root cause)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    id: str
    time: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


def since(cfn: Any, stack_name: str, seen: set[str]) -> list[Event]:
    """New events of the stack, oldest first; `seen` remembers those already returned."""
    fresh = []
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack_name):
        for item in page["StackEvents"]:
            if item["EventId"] in seen:
                continue
            seen.add(item["EventId"])
            fresh.append(
                Event(
                    item["EventId"],
                    item["Timestamp"],
                    item.get("LogicalResourceId", ""),
                    item.get("ResourceType", ""),
                    item.get("ResourceStatus", ""),
                    item.get("ResourceStatusReason", ""),
                )
            )
    return sorted(fresh, key=lambda e: e.time)


def root_cause(events: list[Event]) -> Event | None:
    return next((e for e in events if e.failed), None)
