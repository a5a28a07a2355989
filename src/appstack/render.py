"""The terminal: every byte appstack prints goes through here."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from appstack.deploy.changesets import ChangeSet
    from appstack.deploy.events import Event
    from appstack.deploy.stacks import Outcome

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    lines = message.splitlines() or [""]
    err.print(f"[bold red]error:[/] {lines[0]}", markup=True)
    for line in lines[1:]:
        err.print(f"  {line}", markup=False)


def info(message: str) -> None:
    out.print(message, markup=False)


def note(message: str) -> None:
    err.print(f"[dim]{message}[/]")


def success(message: str) -> None:
    out.print(f"[green]✔[/] {message}")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*(str(cell) for cell in row))
    out.print(grid)


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def change_summary(change_set: ChangeSet) -> None:
    """The adds, modifies, replaces and removes of a change set."""
    colours = {"add": "green", "modify": "yellow", "replace": "magenta", "remove": "red"}
    grid = Table(title=f"Changes to {change_set.stack_name}", title_justify="left")
    for column in ("action", "logical id", "type"):
        grid.add_column(column)
    for change in change_set.changes:
        colour = colours[change.kind]
        grid.add_row(f"[{colour}]{change.kind}[/]", change.logical_id, change.resource_type)
    out.print(grid)
    counts = ", ".join(f"{change_set.count(k)} {k}" for k in colours)
    out.print(counts, markup=False)
    for kept in change_set.kept:
        out.print(f"kept in the account (DeletionPolicy): {kept}", markup=False)


def refusal(risks: Sequence[str]) -> None:
    for risk in risks:
        err.print(f"[red]✘ {risk}[/]", markup=True)


class Progress:
    """Live progress of a stack operation: resources done / total, elapsed time, failures."""

    def __init__(self, total: int, title: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self._task = self._bar.add_task(title, total=max(total, 1))
        self._done: set[str] = set()

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.update(self._task, completed=self._bar.tasks[0].total)
        self._bar.stop()

    def event(self, event: Event) -> None:
        if event.failed:
            self._bar.console.print(
                f"[red]✘ {event.logical_id} {event.status}: {event.reason}[/]", markup=True
            )
        elif event.status.endswith("_COMPLETE") and event.logical_id not in self._done:
            self._done.add(event.logical_id)
            self._bar.advance(self._task)


def outcome(result: Outcome) -> None:
    if result.failure is not None:
        error(
            f"{result.stack_name}: {result.status}\n"
            f"root cause: {result.failure.logical_id} ({result.failure.resource_type}): "
            f"{result.failure.reason}"
        )
    elif result.ok:
        success(f"{result.stack_name}: {result.status}")
    else:
        error(f"{result.stack_name}: {result.status}")
    for warning in result.warnings:
        err.print(f"[yellow]! {warning}[/]", markup=True)
    if result.outputs:
        table("Outputs", ["name", "value"], sorted(result.outputs.items()))
    if result.retained:
        table("Retained (kept in your account)", ["resource"], [[r] for r in result.retained])


def as_json(data: object) -> None:
    import json

    out.print_json(json.dumps(data, default=str))
