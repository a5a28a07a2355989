"""Work in the background: preflight asks AWS on a daemon thread while validate runs."""

from __future__ import annotations

import threading

import pytest

from appstack.deploy import background


def test_work_in_the_background_hands_back_its_result() -> None:
    assert background.start(lambda a, b: a + b, 2, 3).result() == 5


def test_work_in_the_background_hands_back_its_error() -> None:
    def fails() -> None:
        raise RuntimeError("no credentials")

    with pytest.raises(RuntimeError, match="no credentials"):
        background.start(fails).result()


def test_work_in_the_background_never_keeps_an_interrupted_deploy_waiting() -> None:
    started = threading.Event()
    release = threading.Event()

    def waits() -> None:
        started.set()
        release.wait(5)

    pending = background.start(waits)
    started.wait(5)
    # A daemon: an interrupted deploy exits without waiting for AWS to answer.
    [worker] = [t for t in threading.enumerate() if t.name == "waits"]
    assert worker.daemon
    release.set()
    pending.result()
