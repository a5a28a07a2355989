"""The adaptive poller: quick first polls, then at most a second apart."""

from __future__ import annotations

from appstack.deploy.waiting import poll


def test_poll_sleeps_the_intervals_between_checks_with_a_fake_clock() -> None:
    slept: list[float] = []
    answers = iter([None, None, None, "done"])
    assert poll(lambda: next(answers), sleep=slept.append) == "done"
    assert slept == [0.2, 0.30000000000000004, 0.45000000000000007]


def test_poll_gives_up_at_the_timeout() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    assert poll(lambda: None, sleep=sleep, timeout=3, clock=lambda: now[0]) is None
    assert now[0] <= 3
