"""`appstack events`: a stack's events, oldest first."""

from __future__ import annotations

import json
from collections.abc import Callable


def test_events_run_from_the_stacks_creation_to_its_end(
    topic_stack: tuple[str, str], read: Callable[..., str]
) -> None:
    name, _ = topic_stack
    answer = json.loads(read("events", "--output", "json"))
    assert answer["stack"] == name
    of_stack = [e["status"] for e in answer["events"] if e["logical_id"] == name]
    assert of_stack[0] == "CREATE_IN_PROGRESS" and of_stack[-1] == "CREATE_COMPLETE"
    times = [e["time"] for e in answer["events"]]
    assert times == sorted(times)
    assert {"Topic"} <= {e["logical_id"] for e in answer["events"]}


def test_events_for_people_are_a_table_of_the_same_events(
    topic_stack: tuple[str, str], read: Callable[..., str]
) -> None:
    out = read("events")
    assert f"Events of {topic_stack[0]}" in out and "CREATE_COMPLETE" in out and "Topic" in out
