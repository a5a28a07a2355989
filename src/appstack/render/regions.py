"""One live view of a deploy in several Regions at once: a bar per Region's operation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from appstack.render import bar_events, progress_bar

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
    ) -> tuple[Callable[[Event], None], Callable[[bool], None]]:
        """A bar for one operation: the function that takes its events, and the one that
        ends it (full when the operation ended; as far as it got when it was stopped)."""
        with self._lock:
            if self._running == 0:
                self._bar.start()
            self._running += 1
            task = self._bar.add_task(title, total=max(total, 1))

        def finish(ended: bool) -> None:
            with self._lock:
                if ended:
                    self._bar.update(task, completed=self._bar.tasks[task].total)
                self._running -= 1
                if self._running == 0:
                    self._bar.stop()

        return bar_events(self._bar, task, f"{title}: "), finish
