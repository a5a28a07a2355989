"""The adaptive poller: quick first polls, then at most a second apart."""

from __future__ import annotations

from itertools import islice

from appstack.deploy.waiting import intervals, poll


def test_polls_start_quick_and_grow_to_at_most_a_second() -> None:
    pauses = list(islice(intervals(), 8))
    assert pauses[0] == 0.2
    assert pauses == sorted(pauses)
    assert max(pauses) == 1.0
    assert sum(pauses[:4]) < 2  # a fast operation is noticed within two seconds


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
