"""Reading a stack's events: newest first, a page at a time
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html);
a poll reads only what is new, and only its own operation's events
(StackEvent.ClientRequestToken)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from appstack.deploy import events

START = datetime(2026, 11, 26, tzinfo=UTC)


def item(n: int, token: str | None) -> dict[str, Any]:
    return {
        "EventId": f"e{n}",
        "Timestamp": START + timedelta(seconds=n),
        "LogicalResourceId": f"R{n}",
        "ResourceStatus": "UPDATE_COMPLETE",
        "ClientRequestToken": token,
    }


class History:
    """300 events in pages of 100, newest first: e299 ... e0; the newest 5 are operation 'new'."""

    def __init__(self) -> None:
        newest_first = [item(n, "new" if n >= 295 else "old") for n in range(299, -1, -1)]
        self.pages = [newest_first[i : i + 100] for i in range(0, 300, 100)]
        self.read = 0

    def get_paginator(self, name: str) -> Any:
        history = self

        class Pages:
            def paginate(self, **_: Any) -> Any:
                for page in history.pages:
                    history.read += 1
                    yield {"StackEvents": page}

        return Pages()


def test_a_poll_stops_paging_at_the_first_event_it_has_seen() -> None:
    history = History()
    seen = {"e297"}
    fresh = events.since(history, "s", seen)
    assert [e.id for e in fresh] == ["e298", "e299"]
    assert history.read == 1  # not the other 200 events of the history


def test_only_the_operations_own_events_are_read() -> None:
    history = History()
    fresh = events.since(history, "s", set(), token="new")
    assert [e.id for e in fresh] == ["e295", "e296", "e297", "e298", "e299"]
    assert history.read == 1
    assert events.root_cause(fresh) is None
