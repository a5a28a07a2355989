"""Durations on the command line (`deploy --timeout`, `logs --since`)."""

from __future__ import annotations

import click
import pytest

from appstack.cli.durations import Duration, seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", 90.0),
        ("90s", 90.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1h30m", 5400.0),
        ("1d", 86400.0),
    ],
)
def test_a_duration_is_read_in_seconds(text: str, expected: float) -> None:
    assert seconds(text) == expected


@pytest.mark.parametrize("text", ["", "ten minutes", "10x", "m10", "10m junk", "-5m"])
def test_what_is_not_a_duration_is_refused_with_how_to_write_one(text: str) -> None:
    with pytest.raises(click.BadParameter, match="write it like 90s, 10m"):
        Duration().convert(text, None, None)


def test_a_zero_duration_is_refused() -> None:
    with pytest.raises(click.BadParameter):
        Duration().convert("0s", None, None)
