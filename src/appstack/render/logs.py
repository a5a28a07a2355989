"""Log lines of the service's containers, interleaved in time, coloured per task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from appstack import render

if TYPE_CHECKING:
    from appstack.deploy.logs import Line

#: One colour per task, in the order the tasks first speak.
PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "bright_cyan", "bright_magenta")


class LogPrinter:
    """Prints each line as `TIME CONTAINER/TASK MESSAGE`, the prefix in its task's colour."""

    def __init__(self) -> None:
        self._colours: dict[str, str] = {}

    def colour(self, task: str) -> str:
        return self._colours.setdefault(task, PALETTE[len(self._colours) % len(PALETTE)])

    def line(self, line: Line) -> None:
        stamp = line.time.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        prefix = f"{stamp} {line.container}/{line.task[:8]}"
        render.out.print(
            f"[{self.colour(line.task)}]{escape(prefix)}[/] {escape(line.message)}",
            soft_wrap=True,
            emoji=False,
        )


def how_followed(how: str) -> None:
    """Say how the lines were followed once following ends."""
    render.note(f"followed by {how}")
