"""The live view of a deploy in several Regions: one bar per Region's operation, each ended
with its own total, failures named with their Region."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from appstack.deploy.events import Event
from appstack.render.regions import RegionsProgress


def event(logical_id: str, status: str, reason: str = "") -> Event:
    return Event(
        f"{logical_id}-{status}", datetime.now(UTC), logical_id, "AWS::SNS::Topic", status, reason
    )


def test_each_region_has_its_bar_and_a_failure_names_its_region(
    capsys: pytest.CaptureFixture[str],
) -> None:
    view = RegionsProgress()
    east, end_east = view.operation("shop (us-east-1)", 2)
    west, end_west = view.operation("shop (eu-west-1)", 2)
    east(event("Topic", "CREATE_COMPLETE"))
    west(event("Topic", "CREATE_FAILED", "limit exceeded"))
    end_east(True)
    end_west(True)
    err = capsys.readouterr().err
    assert "shop (us-east-1)" in err and "shop (eu-west-1)" in err
    assert "shop (eu-west-1): Topic CREATE_FAILED: limit exceeded" in err


def test_a_regions_service_events_are_shown_and_a_stopped_bar_stays_where_it_got(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As one Region's progress shows them: the service's events and stopped tasks (deploy
    .service_watch), and a bar stopped by Ctrl-C or --timeout is not drawn full."""
    view = RegionsProgress()
    east, end_east = view.operation("shop (us-east-1)", 4)
    east(event("Service", "TASK_STOPPED", "task 1a2b stopped: CannotPullContainerError"))
    east(event("Topic", "CREATE_COMPLETE"))
    [bar] = view._bar.tasks
    end_east(False)
    assert bar.completed == 1
    err = capsys.readouterr().err
    assert "shop (us-east-1): task 1a2b stopped: CannotPullContainerError" in err
