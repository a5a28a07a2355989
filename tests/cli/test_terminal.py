"""The deploy workflow's interaction on a terminal (`appstack.cli.terminal`): render shows,
click asks, and a no stops the command as the user's choice."""

from __future__ import annotations

import io

import click
import pytest

from appstack.cli.terminal import Terminal


def test_without_a_terminal_it_does_not_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe, not a terminal
    assert Terminal().can_ask() is False


def test_yes_confirms_and_no_stops_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert Terminal().confirm("Deploy?") is True
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    with pytest.raises(click.Abort):  # main says "not confirmed", exit 130
        Terminal().confirm("Deploy?")


def test_notes_and_warnings_go_to_stderr_and_leave_stdout_to_the_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Terminal().note("a note")
    Terminal().warning("a warning")
    captured = capsys.readouterr()
    assert "a note" in captured.err and "a warning" in captured.err
    assert captured.out == ""
