"""The terminal: every byte appstack prints goes through here."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

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
