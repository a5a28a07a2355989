"""EM463: DetectStackSetDrift checks every stack instance and reports each one's drift.

"Drift detection on a stack set ... performs drift detection on the stack associated with
each stack instance in the stack set"; each instance then has a DriftStatus (DRIFTED,
IN_SYNC, UNKNOWN, NOT_CHECKED) and the operation's results list them. moto 5.2.5 has no
DetectStackSetDrift. Here it runs as a StackSet operation (Action DETECT_DRIFT) and an
instance is DRIFTED when a resource of its stack is gone from its service (DELETED drift,
the drift that matters most for the baseline: a recorder deleted or a trail stopped behind
the stack's back), IN_SYNC otherwise; an instance without a stack is UNKNOWN. Only the
types the probes below know are checked (Config recorder, CloudTrail trail and its logging,
S3 bucket): the emulator keeps no property history to compare the others against.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from appstack.local.fidelity import rule


def _recorder(account: str, region: str, name: str) -> bool:
    from moto.config.models import config_backends

    return name in config_backends[account][region].recorders


def _trail(account: str, region: str, name: str) -> bool:
    from moto.cloudtrail.models import cloudtrail_backends

    trails = cloudtrail_backends[account][region].trails
    return name in trails and bool(trails[name].status.is_logging)


def _bucket(account: str, region: str, name: str) -> bool:
    from moto.s3.models import s3_backends

    return name in s3_backends[account]["aws"].buckets


PROBES: dict[str, Callable[[str, str, str], bool]] = {
    "AWS::Config::ConfigurationRecorder": _recorder,
    "AWS::CloudTrail::Trail": _trail,
    "AWS::S3::Bucket": _bucket,
}


def drift_of(instance: Any) -> str:
    stack = getattr(instance, "stack", None)
    if stack is None:
        return "UNKNOWN"
    for resource in stack.stack_resources:
        probe = PROBES.get(getattr(resource, "cf_resource_type", "") or "")
        physical = getattr(resource, "physical_resource_id", None)
        if probe and physical and not probe(instance.account_id, instance.region_name, physical):
            return "DRIFTED"
    return "IN_SYNC"


@rule(
    "EM463",
    "DetectStackSetDrift checks each stack instance's stack and reports its DriftStatus",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-drift.html",
)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    def detect_stack_set_drift(self: Any) -> Any:
        stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
        for instance in stack_set.stack_instances:
            instance.drift = drift_of(instance)
        operation = stack_set._create_operation(str(uuid.uuid4()), "DETECT_DRIFT", "SUCCEEDED")
        operation["Results"] = [
            {
                "Account": i.account_id,
                "Region": i.region_name,
                "Status": "SUCCEEDED",
                "StatusReason": i.drift,
            }
            for i in stack_set.stack_instances
        ]
        return ActionResult({"OperationId": operation["OperationId"]})

    setattr(CloudFormationResponse, "detect_stack_set_drift", detect_stack_set_drift)  # noqa: B010
