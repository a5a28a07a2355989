"""Polling on AWS: quick in the first seconds, calm while the end is far, within about a second
of the end when it is near (the AWS CLI polls a stack every 30 s; a phase-4 create runs for
many minutes, and several deploys share one account's API rate)."""

from __future__ import annotations

from datetime import UTC, datetime

from appstack.deploy.events import Event, Pace
from appstack.deploy.waiting import LONGEST, QUICK_SECONDS, Backoff, poll


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def pauses(near: bool, seconds: float) -> list[float]:
    clock = Clock()
    backoff = Backoff(clock)
    made = []
    while clock.now < seconds:
        pause = backoff.pause(near)
        made.append(pause)
        clock.sleep(pause)
    return made


def test_polls_are_quick_in_the_first_seconds() -> None:
    quick = pauses(near=False, seconds=QUICK_SECONDS)
    assert quick[:3] == [0.2, 0.30000000000000004, 0.45000000000000007]
    assert max(quick) <= 1.0


def test_polls_back_off_while_the_end_is_far() -> None:
    far = pauses(near=False, seconds=300)
    assert max(far) == LONGEST
    assert len(far) < 50  # about 30 polls in 5 minutes, not 300


def test_polls_stay_within_a_second_while_the_end_is_near() -> None:
    near = pauses(near=True, seconds=60)
    assert max(near) <= 1.0


def test_poll_notices_the_end_within_a_second_once_it_is_near() -> None:
    clock = Clock()
    ends_at = 200.0
    near_from = 190.0
    result = poll(
        lambda: "done" if clock.now >= ends_at else None,
        sleep=clock.sleep,
        clock=clock,
        near=lambda: clock.now >= near_from,
    )
    assert result == "done" and clock.now - ends_at <= 1.0


def event(logical_id: str, status: str, resource_type: str = "AWS::RDS::DBCluster") -> Event:
    return Event("id", datetime.now(UTC), logical_id, resource_type, status, "", "t")


def test_the_end_is_far_while_a_slow_resource_has_long_to_run() -> None:
    clock = Clock()
    pace = Pace(lambda resource_type, action: 600.0, clock)
    assert not pace.near()  # nothing seen yet
    pace.saw(event("Database", "CREATE_IN_PROGRESS"))
    assert not pace.near()
    clock.now = 596.0
    assert pace.near()  # it usually takes 600 s: its end is close


def test_the_end_is_near_once_every_running_resource_is_done() -> None:
    pace = Pace(lambda resource_type, action: 600.0, Clock())
    pace.saw(event("Database", "CREATE_IN_PROGRESS"))
    pace.saw(event("Database", "CREATE_COMPLETE"))
    assert pace.near()
