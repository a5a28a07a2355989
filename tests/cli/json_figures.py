"""The figures of a JSON answer: every float with the key it is under, and whether it shows
binary noise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: JSON fields that hold US dollars: whole cents, like the bill.
MONEY = {"monthly", "saving", "total", "delta"}
#: JSON fields of the forecast that hold seconds: tenths at most.
SECONDS = {"start", "finish", "seconds", "delay", "floor", "cleanup"}


def floats(value: Any, key: str = "") -> Iterator[tuple[str, float]]:
    """Every float in a JSON document, with the key it is under."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from floats(inner, key if key == "by_capability" else inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from floats(inner, key)
    elif isinstance(value, float):
        yield key, value


def noisy(number: float) -> bool:
    """Whether a float shows binary noise (0.44999999999999996, 0.6000000000000001)."""
    return len(repr(number).lstrip("-0.").replace(".", "")) > 12
