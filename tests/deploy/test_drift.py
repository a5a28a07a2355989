"""Drift detection as the engine runs it (`appstack.deploy.drift`): the detection's pages and
its failure, and the warning plan and deploy give from the last result, without detecting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from appstack.deploy import drift


class Answers:
    """A CloudFormation client answering drift detection from a script."""

    def __init__(self, statuses: list[str], pages: list[dict[str, Any]]) -> None:
        self.statuses, self.pages, self.filters = statuses, pages, []

    def detect_stack_drift(self, StackName: str) -> dict[str, str]:
        return {"StackDriftDetectionId": "d-1"}

    def describe_stack_drift_detection_status(self, StackDriftDetectionId: str) -> Any:
        status = self.statuses.pop(0)
        drifted = "DRIFTED" if self.pages[0]["StackResourceDrifts"] else "IN_SYNC"
        return {
            "DetectionStatus": status,
            "StackDriftStatus": drifted,
            "DetectionStatusReason": "x",
        }

    def describe_stack_resource_drifts(self, **kw: Any) -> dict[str, Any]:
        self.filters.append(kw["StackResourceDriftStatusFilters"])
        return self.pages.pop(0)


def resource(logical_id: str, path: str = "/RetentionInDays") -> dict[str, Any]:
    return {
        "LogicalResourceId": logical_id,
        "ResourceType": "AWS::Logs::LogGroup",
        "StackResourceDriftStatus": "MODIFIED",
        "PropertyDifferences": [
            {
                "PropertyPath": path,
                "ExpectedValue": "14",
                "ActualValue": "3",
                "DifferenceType": "NOT_EQUAL",
            }
        ],
    }


def test_detection_is_waited_for_and_every_page_of_drifted_resources_is_read() -> None:
    pages = [
        {"StackResourceDrifts": [resource("B")], "NextToken": "t"},
        {"StackResourceDrifts": [resource("A")]},
    ]
    cfn = Answers(["DETECTION_IN_PROGRESS", "DETECTION_COMPLETE"], pages)
    report = drift.detect(cfn, "s")
    assert report.status == "DRIFTED"
    assert [r.logical_id for r in report.drifted] == ["A", "B"]
    assert report.drifted[0].differences == (
        drift.Difference("/RetentionInDays", "14", "3", "NOT_EQUAL"),
    )
    assert cfn.filters == [["MODIFIED", "DELETED"]] * 2


def test_a_failed_detection_is_an_error_with_its_reason() -> None:
    cfn = Answers(["DETECTION_FAILED"], [{"StackResourceDrifts": []}])
    with pytest.raises(drift.DriftDetectionFailed, match="failed: x"):
        drift.detect(cfn, "s")


def test_plan_and_deploy_warn_only_when_the_last_detection_found_drift() -> None:
    when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    found = {
        "StackName": "s",
        "DriftInformation": {"StackDriftStatus": "DRIFTED", "LastCheckTimestamp": when},
    }
    message = drift.warning(found)
    assert message is not None
    assert "s has drifted (detected 2026-11-02 09:30 UTC)" in message
    assert "appstack drift s" in message
    for status in ("IN_SYNC", "NOT_CHECKED"):
        assert (
            drift.warning({"StackName": "s", "DriftInformation": {"StackDriftStatus": status}})
            is None
        )
    assert drift.warning({"StackName": "s"}) is None
    assert drift.warning(None) is None
