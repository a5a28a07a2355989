"""Log lines: each task keeps one colour, and a line's text is printed as written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from appstack.deploy.logs import Line
from appstack.render.logs import PALETTE, LogPrinter


def test_each_task_keeps_its_own_colour() -> None:
    printer = LogPrinter()
    first, second = printer.colour("t1"), printer.colour("t2")
    assert first != second and printer.colour("t1") == first
    assert {printer.colour(f"t{i}") for i in range(len(PALETTE))} == set(PALETTE)


def test_a_line_is_printed_with_its_time_container_and_task_and_no_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    when = datetime(2026, 11, 26, 12, 0, 1, 250000, tzinfo=UTC)
    LogPrinter().line(Line(when, "app", "0123456789abcdef", "[red]not markup[/] :smile:"))
    out = capsys.readouterr().out
    assert out.strip() == "2026-11-26T12:00:01.250Z app/01234567 [red]not markup[/] :smile:"
