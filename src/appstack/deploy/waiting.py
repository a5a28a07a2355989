"""Adaptive polling: quick at first, calm while the end is far, quick again when it is near.

A fast operation is noticed at once (0.2 s, growing by half each poll to 1 s during the first
seconds). After that the pause grows to `LONGEST`, so a long deploy, or several at once in one
account, stays under the account's API rate; whenever the caller says the end is near, the
pause is at most `NEAR` again, so a finished operation is still noticed within about a second.
A poll that AWS throttles counts as "not yet".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

from appstack.errors import AppstackError

T = TypeVar("T")

FIRST_INTERVAL = 0.2
GROWTH = 1.5
MAX_INTERVAL = 1.0  # while quick: a finished operation is noticed within about a second
NEAR = MAX_INTERVAL
QUICK_SECONDS = 10.0  # "the first seconds": polls stay quick this long
LONGEST = 10.0  # far from the end: calm

#: Error codes with which AWS throttles a call (botocore's standard retry mode lists the same).
THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)


class TimedOut(AppstackError):
    """`--timeout` passed before the stack's operation ended. appstack stops waiting and
    cancels nothing: the operation goes on in CloudFormation (a service deployment that
    cannot start is ended by its circuit breaker, which rolls it back)."""

    #: As coreutils `timeout` answers when its command timed out.
    exit_code = 124

    def __init__(self, stack_name: str, seconds: float) -> None:
        self.stack_name = stack_name
        super().__init__(
            f"{stack_name}: still running after the --timeout of {seconds:g} s; appstack "
            "stopped waiting and cancelled nothing: the operation goes on in CloudFormation. "
            f"Re-attach with: appstack watch {stack_name}"
        )


def throttled(exc: BaseException) -> bool:
    """Whether `exc` is AWS refusing a call for its rate, not for what it asked."""
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in THROTTLING


class Backoff:
    """The pause before the next poll: quick for `QUICK_SECONDS`, then growing to `LONGEST`
    unless the end is near, when it is at most `NEAR`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._interval = FIRST_INTERVAL

    def pause(self, near: bool = False) -> float:
        quick = near or self._clock() - self._started < QUICK_SECONDS
        pause = min(self._interval, NEAR if quick else LONGEST)
        self._interval = min(self._interval * GROWTH, LONGEST)
        return pause


def poll(
    check: Callable[[], T | None],
    sleep: Callable[[float], None] = time.sleep,
    timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    near: Callable[[], bool] = lambda: False,
) -> T | None:
    """Call `check` until it returns something; None on timeout. A `check` that AWS
    throttles returns nothing yet; `near` says whether the end is close (poll quickly)."""
    started = clock()
    backoff = Backoff(clock)
    while True:
        try:
            result = check()
        except ClientError as exc:
            if not throttled(exc):
                raise
            result = None
        if result is not None:
            return result
        pause = backoff.pause(near())
        if timeout is not None and clock() - started + pause > timeout:
            return None
        sleep(pause)
