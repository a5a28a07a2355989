"""`appstack status`: a stack's status, for people and in JSON."""

from __future__ import annotations

import json
from collections.abc import Callable


def test_status_names_the_stack_and_its_status(
    topic_stack: tuple[str, str], read: Callable[..., str]
) -> None:
    name, _ = topic_stack
    assert read("status").strip() == f"{name}: CREATE_COMPLETE"
    assert json.loads(read("status", "--output", "json")) == {
        "stack": name,
        "status": "CREATE_COMPLETE",
    }
