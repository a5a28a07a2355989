"""One environment in several Regions: the same deploy in each, all at once.

Each Region runs the deploy workflow on a thread of its own (its checks, its change set, its
operation). Before any Region changes anything, all of them have planned: `Gate` is where
each waits, in place of the workflow's confirmation, until every Region has either reached
it or ended (no changes, or a failure). If one failed, none goes on (nothing changed
anywhere), unless `continue_on_error`, when the others go on. Once the operations run, a
failing Region does not stop the others: CloudFormation rolls it back, and the command
reports each Region and exits 1.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from appstack.deploy import background
from appstack.deploy.workflow import Result


@dataclass
class RegionResult:
    region: str
    result: Result | None = None
    #: What stopped this Region (a failed check, a refused change, the gate).
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and self.result.ok


class Gate:
    """Where each Region waits once planned; it opens when every Region arrived or ended.
    `decide` is asked once, then (a person's confirmation, or yes)."""

    def __init__(self, regions: list[str], continue_on_error: bool) -> None:
        self._waiting = set(regions)
        self._failed: list[str] = []
        self._continue = continue_on_error
        self._open: bool | None = None
        self._lock = threading.Condition()
        self.decide: Callable[[], bool] = lambda: True

    def ended(self, region: str, failed: bool) -> None:
        """`region` will not reach the gate (nothing to change, or it failed)."""
        with self._lock:
            self._waiting.discard(region)
            if failed and self._open is None:  # failed before the gate opened
                self._failed.append(region)
            self._lock.notify_all()

    def arrive(self, region: str) -> bool:
        """`region` planned its change: wait for the others; whether it may go on."""
        with self._lock:
            self._waiting.discard(region)
            self._lock.notify_all()
            self._lock.wait_for(lambda: not self._waiting)
            if self._open is None:
                self._open = (self._continue or not self._failed) and self.decide()
            return self._open

    @property
    def failed(self) -> list[str]:
        """The Regions that failed before the gate opened (their checks, their plan)."""
        return list(self._failed)


def run(regions: list[str], deploy: Callable[[str], Result], gate: Gate) -> list[RegionResult]:
    """`deploy(region)` in every Region at once; each one's result, in the order given."""

    def one(region: str) -> RegionResult:
        try:
            result = deploy(region)
        except BaseException as exc:  # reported per Region; the gate must not wait for it
            gate.ended(region, failed=True)
            return RegionResult(region, error=exc)
        gate.ended(region, failed=not result.ok)
        return RegionResult(region, result)

    pending = [background.start(one, region) for region in regions]
    return [p.result() for p in pending]
