"""Adaptive polling: quick at first, so a fast operation is noticed at once; then calmer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

FIRST_INTERVAL = 0.2
GROWTH = 1.5
MAX_INTERVAL = 1.0  # a finished operation is noticed within about a second


def intervals(
    first: float = FIRST_INTERVAL, growth: float = GROWTH, longest: float = MAX_INTERVAL
) -> Iterator[float]:
    """0.2, 0.3, 0.45, 0.675, 1.0, 1.0, ...: the pauses between two polls."""
    interval = first
    while True:
        yield interval
        interval = min(interval * growth, longest)


def poll(
    check: Callable[[], T | None],
    sleep: Callable[[float], None] = time.sleep,
    timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T | None:
    """Call `check` until it returns something; None on timeout."""
    started = clock()
    for pause in intervals():
        result = check()
        if result is not None:
            return result
        if timeout is not None and clock() - started + pause > timeout:
            return None
        sleep(pause)
    return None  # pragma: no cover
