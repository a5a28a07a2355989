"""EM463: DetectStackSetDrift checks each stack instance; a trail stopped behind the stack's
back makes its instance DRIFTED
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-drift.html)."""

from __future__ import annotations

import json

from emulator.accounts import Account
from emulator.stacksets import with_execution_role

TRAIL = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Trail": {
            "Type": "AWS::CloudTrail::Trail",
            "Properties": {
                "TrailName": "em463",
                "IsLogging": True,
                "S3BucketName": {"Ref": "Bucket"},
            },
        },
    }
}


def test_a_stopped_trail_drifts_its_instance(emulator_endpoint: str) -> None:
    admin, target = with_execution_role(emulator_endpoint)
    cfn = admin.client("cloudformation")
    cfn.create_stack_set(StackSetName="em463", TemplateBody=json.dumps(TRAIL))
    cfn.create_stack_instances(
        StackSetName="em463", Accounts=[target], Regions=["us-east-1", "us-west-2"]
    )
    Account(emulator_endpoint, "us-west-2", target).client("cloudtrail").stop_logging(Name="em463")
    operation = cfn.detect_stack_set_drift(StackSetName="em463")["OperationId"]
    found = cfn.describe_stack_set_operation(StackSetName="em463", OperationId=operation)
    assert found["StackSetOperation"]["Status"] == "SUCCEEDED"
    drift = {
        i["Region"]: i["DriftStatus"]
        for i in cfn.list_stack_instances(StackSetName="em463")["Summaries"]
    }
    assert drift == {"us-east-1": "IN_SYNC", "us-west-2": "DRIFTED"}
