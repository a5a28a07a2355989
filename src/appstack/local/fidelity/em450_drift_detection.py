"""EM450: drift detection: DetectStackDrift, DescribeStackDriftDetectionStatus,
DescribeStackResourceDrifts, and the last result on DescribeStacks (DriftInformation).

moto 5.2.5 has none of these (no action, no DriftInformation). On AWS, DetectStackDrift
compares each resource's actual configuration with the one its template and parameters
expect; a resource is MODIFIED (with one PropertyDifference per property: path, expected,
actual, ADD | REMOVE | NOT_EQUAL), DELETED, IN_SYNC, or NOT_CHECKED for types drift detection
does not cover; the stack is DRIFTED when one resource drifted, IN_SYNC otherwise, and
DescribeStacks shows that result (NOT_CHECKED before any detection) with LastCheckTimestamp.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackDriftInformation.html

The emulator reads actual configuration for the types in `READERS` (the properties listed
there); every other type is NOT_CHECKED. Detection completes at once (AWS takes seconds to
minutes: the client polls DescribeStackDriftDetectionStatus either way).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult

from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import find_stack

#: The actual value of each property the emulator reads, by resource type: (backend of the
#: resource's account and Region, physical id) -> properties, or None when it is gone.
Reader = Callable[[str, str, str], dict[str, Any] | None]


def _log_group(account: str, region: str, name: str) -> dict[str, Any] | None:
    from moto.logs.models import logs_backends

    group = logs_backends[account][region].groups.get(name)
    if group is None:
        return None
    retention = group.retention_in_days
    return {"RetentionInDays": int(retention)} if retention else {}


#: By resource type: the properties compared, and their reader.
READERS: dict[str, tuple[tuple[str, ...], Reader]] = {
    "AWS::Logs::LogGroup": (("RetentionInDays",), _log_group),
}

#: Detections by id: (stack id, result of DescribeStackDriftDetectionStatus).
_DETECTIONS: dict[str, dict[str, Any]] = {}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[dict[str, Any]]:
    """One PropertyDifference per property read whose actual value is not the expected one."""
    found = []
    for name in sorted(set(expected) | set(actual)):
        want, got = _typed(expected.get(name), actual.get(name)), actual.get(name)
        if want == got:
            continue
        kind = "REMOVE" if got is None else "ADD" if want is None else "NOT_EQUAL"
        found.append(
            {
                "PropertyPath": f"/{name}",
                "ExpectedValue": json.dumps(want) if want is not None else "null",
                "ActualValue": json.dumps(got) if got is not None else "null",
                "DifferenceType": kind,
            }
        )
    return found


def _typed(want: Any, got: Any) -> Any:
    """An expected value as its property's type: a Ref to a Number parameter is the string
    "14" in the template and the integer 14 in the resource; AWS compares the property."""
    if isinstance(got, int) and isinstance(want, str) and want.lstrip("-").isdigit():
        return int(want)
    return want


def resource_drift(stack: Any, logical_id: str, now: datetime) -> dict[str, Any]:
    """The StackResourceDrift of one resource of `stack` as it is now."""
    from moto.cloudformation.parsing import clean_json

    declared = stack.template_dict["Resources"][logical_id]
    resource = stack.resource_map[logical_id]
    physical = getattr(resource, "physical_resource_id", None) or logical_id
    drift: dict[str, Any] = {
        "StackId": stack.stack_id,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": physical,
        "ResourceType": declared["Type"],
        "StackResourceDriftStatus": "NOT_CHECKED",
        "Timestamp": now,
    }
    if declared["Type"] not in READERS:
        return drift
    compared, reader = READERS[declared["Type"]]
    actual = reader(stack.account_id, stack.region_name, physical)
    if actual is None:
        return {**drift, "StackResourceDriftStatus": "DELETED"}
    properties = clean_json(declared.get("Properties", {}), stack.resource_map)
    expected = {k: properties[k] for k in compared if k in properties}
    found = differences(expected, actual)
    return {
        **drift,
        "ExpectedProperties": json.dumps(expected),
        "ActualProperties": json.dumps(actual),
        "PropertyDifferences": found,
        "StackResourceDriftStatus": "MODIFIED" if found else "IN_SYNC",
    }


def _detect(stack: Any) -> str:
    now = datetime.now(UTC)
    drifts = [resource_drift(stack, lid, now) for lid in stack.template_dict.get("Resources", {})]
    stack.resource_drifts = drifts
    drifted = sum(1 for d in drifts if d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED"))
    status = "DRIFTED" if drifted else "IN_SYNC"
    stack.drift_information = {"StackDriftStatus": status, "LastCheckTimestamp": now}
    detection_id = str(uuid.uuid4())
    _DETECTIONS[detection_id] = {
        "StackId": stack.stack_id,
        "StackDriftDetectionId": detection_id,
        "StackDriftStatus": status,
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": drifted,
        "Timestamp": now,
    }
    return detection_id


@rule(
    "EM450",
    "Drift detection: DetectStackDrift, its status, each resource's property differences, "
    "and the last result on DescribeStacks",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html",
)
def install() -> None:
    from moto.cloudformation.models import Stack
    from moto.cloudformation.responses import CloudFormationResponse

    # Before any detection, as DescribeStacks answers on AWS.
    setattr(Stack, "drift_information", {"StackDriftStatus": "NOT_CHECKED"})  # noqa: B010
    setattr(Stack, "resource_drifts", [])  # noqa: B010

    def live(self: Any) -> Any:
        name = self._get_param("StackName")
        stack = find_stack(self.cloudformation_backend, name)
        if stack is None or stack.status.startswith("DELETE_COMPLETE"):
            raise ValidationError(name)
        return stack

    def detect_stack_drift(self: Any) -> ActionResult:
        return ActionResult({"StackDriftDetectionId": _detect(live(self))})

    def describe_stack_drift_detection_status(self: Any) -> ActionResult:
        detection_id = self._get_param("StackDriftDetectionId")
        if detection_id not in _DETECTIONS:
            raise ValidationError(message=f"Drift detection {detection_id} does not exist")
        return ActionResult(_DETECTIONS[detection_id])

    def describe_stack_resource_drifts(self: Any) -> ActionResult:
        wanted = self._get_param("StackResourceDriftStatusFilters", [])
        drifts = live(self).resource_drifts
        chosen = [d for d in drifts if not wanted or d["StackResourceDriftStatus"] in wanted]
        return ActionResult({"StackResourceDrifts": chosen})

    for action in (
        detect_stack_drift,
        describe_stack_drift_detection_status,
        describe_stack_resource_drifts,
    ):
        setattr(CloudFormationResponse, action.__name__, action)
