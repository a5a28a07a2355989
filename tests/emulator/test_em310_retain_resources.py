"""EM310: a DELETE_FAILED stack lists the resources that failed; DeleteStack retains exactly
those, and only for a DELETE_FAILED stack
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

TEMPLATE = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.8.0.0/16"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    },
    "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
}


def statuses(cfn: Any, stack: str) -> dict[str, str]:
    summaries = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {s["LogicalResourceId"]: s["ResourceStatus"] for s in summaries}


def test_a_failed_delete_is_listed_and_retained(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    ec2: Any = boto3.client("ec2", endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="em310", TemplateBody=json.dumps(TEMPLATE))
    with pytest.raises(ClientError, match="DELETE_FAILED state"):
        cfn.delete_stack(StackName="em310", RetainResources=["Vpc"])
    [stack] = cfn.describe_stacks(StackName="em310")["Stacks"]
    vpc = stack["Outputs"][0]["OutputValue"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")  # DependencyViolation on delete
    cfn.delete_stack(StackName="em310")
    assert cfn.describe_stacks(StackName="em310")["Stacks"][0]["StackStatus"] == "DELETE_FAILED"
    assert statuses(cfn, "em310") == {"Vpc": "DELETE_FAILED", "Topic": "DELETE_COMPLETE"}
    with pytest.raises(ClientError, match="Topic did not fail to delete"):
        cfn.delete_stack(StackName="em310", RetainResources=["Topic"])
    cfn.delete_stack(StackName="em310", RetainResources=["Vpc"])
    [gone] = cfn.describe_stacks(StackName=stack["StackId"])["Stacks"]
    assert gone["StackStatus"] == "DELETE_COMPLETE"
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
