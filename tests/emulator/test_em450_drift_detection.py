"""EM450: drift detection finds a property changed behind the stack's back.

DetectStackDrift, DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts and the
stack's DriftInformation, as AWS answers them:
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackDriftInformation.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

REGION = "ap-southeast-7"  # no other test uses it
TEMPLATE = json.dumps(
    {
        "Parameters": {"Days": {"Type": "Number", "Default": "14"}},
        "Resources": {
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": "drift-logs", "RetentionInDays": {"Ref": "Days"}},
            },
            "Topic": {"Type": "AWS::SNS::Topic"},
        },
    }
)


@pytest.fixture(scope="module")
def clients(emulator_endpoint: str) -> tuple[Any, Any]:
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    logs = boto3.client("logs", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="drifting", TemplateBody=TEMPLATE)
    return cfn, logs


def detect(cfn: Any) -> dict[str, Any]:
    detection = cfn.detect_stack_drift(StackName="drifting")["StackDriftDetectionId"]
    status: dict[str, Any] = cfn.describe_stack_drift_detection_status(
        StackDriftDetectionId=detection
    )
    return status


def test_a_stack_never_checked_says_not_checked(clients: tuple[Any, Any]) -> None:
    cfn, _ = clients
    cfn.create_stack(StackName="unchecked", TemplateBody=TEMPLATE.replace("drift-logs", "u"))
    info = cfn.describe_stacks(StackName="unchecked")["Stacks"][0]["DriftInformation"]
    assert info == {"StackDriftStatus": "NOT_CHECKED"}


def test_a_stack_as_deployed_is_in_sync(clients: tuple[Any, Any]) -> None:
    cfn, _ = clients
    status = detect(cfn)
    assert status["DetectionStatus"] == "DETECTION_COMPLETE"
    assert status["StackDriftStatus"] == "IN_SYNC"
    drifts = cfn.describe_stack_resource_drifts(StackName="drifting")["StackResourceDrifts"]
    by_id = {d["LogicalResourceId"]: d["StackResourceDriftStatus"] for d in drifts}
    assert by_id == {"Logs": "IN_SYNC", "Topic": "NOT_CHECKED"}


def test_a_property_changed_behind_the_stacks_back_is_a_difference(
    clients: tuple[Any, Any],
) -> None:
    cfn, logs = clients
    logs.put_retention_policy(logGroupName="drift-logs", retentionInDays=3)
    status = detect(cfn)
    assert status["StackDriftStatus"] == "DRIFTED" and status["DriftedStackResourceCount"] == 1
    [drift] = cfn.describe_stack_resource_drifts(
        StackName="drifting", StackResourceDriftStatusFilters=["MODIFIED", "DELETED"]
    )["StackResourceDrifts"]
    assert drift["LogicalResourceId"] == "Logs" and drift["StackResourceDriftStatus"] == "MODIFIED"
    assert drift["PropertyDifferences"] == [
        {
            "PropertyPath": "/RetentionInDays",
            "ExpectedValue": "14",
            "ActualValue": "3",
            "DifferenceType": "NOT_EQUAL",
        }
    ]
    info = cfn.describe_stacks(StackName="drifting")["Stacks"][0]["DriftInformation"]
    assert info["StackDriftStatus"] == "DRIFTED" and "LastCheckTimestamp" in info


def test_a_resource_deleted_behind_the_stacks_back_is_deleted(clients: tuple[Any, Any]) -> None:
    cfn, logs = clients
    logs.delete_log_group(logGroupName="drift-logs")
    detect(cfn)
    [drift] = cfn.describe_stack_resource_drifts(
        StackName="drifting", StackResourceDriftStatusFilters=["DELETED"]
    )["StackResourceDrifts"]
    assert drift["LogicalResourceId"] == "Logs"


def test_detecting_drift_of_a_stack_that_does_not_exist_is_refused(
    clients: tuple[Any, Any],
) -> None:
    cfn, _ = clients
    with pytest.raises(ClientError) as caught:
        cfn.detect_stack_drift(StackName="no-such-stack")
    assert caught.value.response["Error"]["Code"] == "ValidationError"
