"""The deploy workflow's interaction on a terminal: render shows, click asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from threading import Lock
from typing import TYPE_CHECKING

import click

from appstack import render
from appstack.checks.findings import Finding
from appstack.deploy import changesets, events, stacks

if TYPE_CHECKING:
    from appstack.deploy.regions import Gate
    from appstack.render.regions import RegionsProgress


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


class RegionTerminal(Terminal):
    """One Region's share of a terminal that several Regions deploy on at once: its lines
    name the Region, one Region prints at a time, its operation is a bar of the shared
    view, and its confirmation is the `Gate` every Region passes together."""

    def __init__(self, region: str, gate: Gate, view: RegionsProgress, lock: Lock) -> None:
        self.region, self.gate, self.view, self.lock = region, gate, view, lock

    def note(self, message: str) -> None:
        with self.lock:
            render.note(f"{self.region}: {message}")

    def warning(self, message: str) -> None:
        with self.lock:
            render.warning(f"{self.region}: {message}")

    def success(self, message: str) -> None:
        with self.lock:
            render.success(f"{self.region}: {message}")

    def findings(self, found: Sequence[Finding]) -> None:
        with self.lock:
            render.findings(found)

    def change(self, change_set: changesets.ChangeSet) -> None:
        with self.lock:
            render.info(f"{self.region}:")
            render.change_summary(change_set)

    def refusal(self, refused: Sequence[str]) -> None:
        with self.lock:
            render.refusal([f"{self.region}: {r}" for r in refused])

    def outcome(self, outcome: stacks.Outcome) -> None:
        with self.lock:
            render.outcome(outcome)

    def can_ask(self) -> bool:
        return True  # the gate answers

    def confirm(self, question: str) -> bool:
        return self.gate.arrive(self.region)

    @contextmanager
    def progress(self, title: str, total: int) -> Iterator[Callable[[events.Event], None]]:
        on_event, finish = self.view.operation(f"{title} ({self.region})", total)
        ended = False
        try:
            yield on_event
            ended = True
        finally:
            finish(ended)
