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
    end_east()
    end_west()
    err = capsys.readouterr().err
    assert "shop (us-east-1)" in err and "shop (eu-west-1)" in err
    assert "shop (eu-west-1): Topic CREATE_FAILED: limit exceeded" in err
