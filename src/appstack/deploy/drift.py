"""Drift: what changed in a stack's resources behind its back (a console edit, a script).

`detect` runs CloudFormation's drift detection (DetectStackDrift, then
DescribeStackDriftDetectionStatus until it ends, then DescribeStackResourceDrifts for the
MODIFIED and DELETED resources) and returns each drifted resource with its property
differences, expected against actual.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html

A change set compares the new template with the old one, not with the resources as they
are: it does not see drift, and a deploy may undo a hand-made fix or fail on it. `warning`
reads the result of the last detection from the stack's DriftInformation, which
DescribeStacks answers anyway: plan and deploy warn without starting a detection (one takes
seconds to minutes and counts against the account's API rate), and `appstack drift` is the
command that refreshes it.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackDriftInformation.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from appstack.deploy.waiting import poll
from appstack.errors import AppstackError

DRIFTED_STATES = ["MODIFIED", "DELETED"]


class DriftDetectionFailed(AppstackError):
    """CloudFormation could not finish drift detection (a resource it could not read)."""


@dataclass(frozen=True)
class Difference:
    path: str  # /RetentionInDays, /Tags/0/Value
    expected: str
    actual: str
    kind: str  # ADD | REMOVE | NOT_EQUAL


@dataclass(frozen=True)
class ResourceDrift:
    logical_id: str
    resource_type: str
    status: str  # MODIFIED | DELETED
    differences: tuple[Difference, ...] = ()


@dataclass
class Report:
    stack: str
    status: str  # DRIFTED | IN_SYNC | UNKNOWN | NOT_CHECKED
    drifted: list[ResourceDrift] = field(default_factory=list)


def detect(cfn: Any, stack: str, timeout: float = 900.0) -> Report:
    """Run drift detection on `stack` and return what drifted."""
    detection = cfn.detect_stack_drift(StackName=stack)["StackDriftDetectionId"]

    def finished() -> dict[str, Any] | None:
        answer: dict[str, Any] = cfn.describe_stack_drift_detection_status(
            StackDriftDetectionId=detection
        )
        return None if answer["DetectionStatus"] == "DETECTION_IN_PROGRESS" else answer

    status = poll(finished, timeout=timeout)
    if status is None:
        raise DriftDetectionFailed(
            f"drift detection of {stack} did not end within {timeout:.0f} s; "
            f"run appstack drift {stack} again later"
        )
    if status["DetectionStatus"] == "DETECTION_FAILED":
        raise DriftDetectionFailed(
            f"drift detection of {stack} failed: {status.get('DetectionStatusReason', '')}"
        )
    return Report(stack, status["StackDriftStatus"], drifted_resources(cfn, stack))


def drifted_resources(cfn: Any, stack: str) -> list[ResourceDrift]:
    """The MODIFIED and DELETED resources of the last detection, every page."""
    found: list[ResourceDrift] = []
    token: str | None = None
    while True:
        page = cfn.describe_stack_resource_drifts(
            StackName=stack,
            StackResourceDriftStatusFilters=DRIFTED_STATES,
            **({"NextToken": token} if token else {}),
        )
        for item in page.get("StackResourceDrifts", []):
            found.append(
                ResourceDrift(
                    item["LogicalResourceId"],
                    item["ResourceType"],
                    item["StackResourceDriftStatus"],
                    tuple(
                        Difference(
                            d["PropertyPath"],
                            d["ExpectedValue"],
                            d["ActualValue"],
                            d["DifferenceType"],
                        )
                        for d in item.get("PropertyDifferences", [])
                    ),
                )
            )
        token = page.get("NextToken")
        if not token:
            return sorted(found, key=lambda r: r.logical_id)


def warning(found: dict[str, Any] | None) -> str | None:
    """What to say before a plan or deploy of a stack (as DescribeStacks found it) whose
    last drift detection found drift; None when it did not, or none ran."""
    if not found:
        return None
    info = found.get("DriftInformation") or {}
    if info.get("StackDriftStatus") != "DRIFTED":
        return None
    when = info.get("LastCheckTimestamp")
    since = f" (detected {when.astimezone(UTC):%Y-%m-%d %H:%M} UTC)" if when else ""
    name = found["StackName"]
    return (
        f"{name} has drifted{since}: resources were changed outside CloudFormation, and a "
        f"change set does not see that. See what changed with: appstack drift {name}"
    )
