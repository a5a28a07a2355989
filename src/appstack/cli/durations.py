"""Durations on the command line: `90` or `90s`, `10m`, `2h`, `1h30m` (`--timeout`, `--since`)."""

from __future__ import annotations

import re
from typing import Any

import click

_PART = re.compile(r"(\d+)([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(text: str) -> float | None:
    """The seconds `text` says (a bare number is seconds); None if it says none."""
    text = text.strip().lower()
    if text.isdigit():
        return float(text)
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return float(sum(int(n) * _SECONDS[u] for n, u in parts))


class Duration(click.ParamType):  # type: ignore[type-arg]
    """A positive duration, in seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float | int):
            return float(value)
        found = seconds(str(value))
        if not found:
            self.fail(
                f"{value!r} is not a duration: write it like 90s, 10m, 2h or 1h30m", param, ctx
            )
        return found
