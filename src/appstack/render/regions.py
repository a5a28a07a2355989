"""One live view of a deploy in several Regions at once: a bar per Region's operation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

from appstack.render import progress_bar

if TYPE_CHECKING:
    from appstack.deploy.events import Event


class RegionsProgress:
    """A rich progress display shared by the Regions' operations: each adds its own bar."""

    def __init__(self) -> None:
        self._bar = progress_bar()
        self._lock = threading.Lock()
        self._running = 0

    def operation(
        self, title: str, total: int
    ) -> tuple[Callable[[Event], None], Callable[[], None]]:
        """A bar for one operation: the function that takes its events, and the one that
        ends it."""
        with self._lock:
            if self._running == 0:
                self._bar.start()
            self._running += 1
            task = self._bar.add_task(title, total=max(total, 1))
        done: set[str] = set()

        def on_event(event: Event) -> None:
            if event.failed:
                line = f"{title}: {event.logical_id} {event.status}: {event.reason}"
                self._bar.console.print(f"[red]✘ {escape(line)}[/]", markup=True)
            elif event.status.endswith("_COMPLETE") and event.logical_id not in done:
                done.add(event.logical_id)
                self._bar.advance(task)

        def finish() -> None:
            with self._lock:
                self._bar.update(task, completed=self._bar.tasks[task].total)
                self._running -= 1
                if self._running == 0:
                    self._bar.stop()

        return on_event, finish
