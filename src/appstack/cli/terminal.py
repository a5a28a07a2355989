"""The deploy workflow's interaction on a terminal: render shows, click asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import click

from appstack import render
from appstack.checks.findings import Finding
from appstack.deploy import changesets, events, stacks


class Terminal:
    """Shows through `render`; asks on the terminal, if there is one (`render.is_interactive`)."""

    def note(self, message: str) -> None:
        render.note(message)

    def warning(self, message: str) -> None:
        render.warning(message)

    def success(self, message: str) -> None:
        render.success(message)

    def findings(self, found: Sequence[Finding]) -> None:
        render.findings(found)

    def repairs(self, done: Sequence[str], failed: Sequence[str]) -> None:
        render.repairs(done, failed)

    def change(self, change_set: changesets.ChangeSet) -> None:
        render.change_summary(change_set)

    def refusal(self, refused: Sequence[str]) -> None:
        render.refusal(refused)

    def outcome(self, outcome: stacks.Outcome) -> None:
        render.outcome(outcome)

    def can_ask(self) -> bool:
        return render.is_interactive()

    def confirm(self, question: str) -> bool:
        # No is click's Abort, as at every other prompt: `main` says nothing was changed.
        return bool(click.confirm(question, abort=True))

    @contextmanager
    def progress(self, title: str, total: int) -> Iterator[Callable[[events.Event], None]]:
        with render.Progress(total, title) as progress:
            yield progress.event

    @contextmanager
    def activity(self, title: str) -> Iterator[Callable[[str], None]]:
        with render.Activity(title) as activity:
            yield activity.line
