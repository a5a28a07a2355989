"""Control requests to the emulator: turn the throttling of EM302 on and off."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def set_throttle(
    endpoint: str, actions: list[str], rate: float, seed: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """Configure EM302; the emulator answers its throttling state."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/appstack/throttle",
        data=json.dumps({"actions": actions, "rate": rate, "seed": seed, "limit": limit}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        state: dict[str, Any] = json.loads(answer.read())
    return state


@contextmanager
def throttled(
    endpoint: str, actions: list[str], rate: float, seed: int = 0, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Throttle `actions` at `rate` inside the block (at most `limit` calls); the yielded
    mapping holds the emulator's throttling state once the block ends."""
    state: dict[str, Any] = {}
    set_throttle(endpoint, actions, rate, seed, limit)
    try:
        yield state
    finally:
        state.update(_state(endpoint))
        set_throttle(endpoint, [], 0.0)


def _state(endpoint: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{endpoint}/moto-api/appstack/throttle", timeout=5) as answer:
        state: dict[str, Any] = json.loads(answer.read())
    return state
