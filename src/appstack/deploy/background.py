"""Work on a daemon thread, its result (or its error) handed back when asked for."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """`work(*args)` running on a daemon thread; `result()` waits for it and returns its
    value or raises its error. Daemon: Ctrl-C in the meantime never waits for AWS to answer."""

    def __init__(self, work: Callable[..., T], *args: Any) -> None:
        self._box: dict[str, Any] = {}
        self._thread = threading.Thread(
            target=self._run, args=(work, args), name=getattr(work, "__name__", "work"), daemon=True
        )
        self._thread.start()

    def _run(self, work: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._box["result"] = work(*args)
        except BaseException as exc:  # handed to the caller, who decides
            self._box["error"] = exc

    def result(self) -> T:
        self._thread.join()
        if "error" in self._box:
            raise self._box["error"]
        value: T = self._box["result"]
        return value


def start(work: Callable[..., T], *args: Any) -> Pending[T]:
    """Start `work(*args)` in the background."""
    return Pending(work, *args)
