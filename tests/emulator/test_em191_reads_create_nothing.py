"""EM191: describing a stack whose resources were deleted creates nothing, and its exports
go with it. AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
(a read changes nothing) and API_DeleteStack.html (RetainResources on a DELETE_FAILED stack).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

REGION = "ap-southeast-3"  # its retained VPC stays: a Region of its own
TEMPLATE = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    },
    "Outputs": {
        "VpcId": {"Value": {"Ref": "Vpc"}},
        "TopicArn": {"Value": {"Ref": "Topic"}, "Export": {"Name": "em191-topic"}},
    },
}


@pytest.fixture(scope="module")
def failed_delete(emulator_endpoint: str) -> dict[str, Any]:
    """A stack whose deletion failed on its VPC (a subnet made outside the stack) after its
    topic was deleted."""
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint, region_name=REGION)
    ec2: Any = boto3.client("ec2", endpoint_url=emulator_endpoint, region_name=REGION)
    sns: Any = boto3.client("sns", endpoint_url=emulator_endpoint, region_name=REGION)
    cfn.create_stack(StackName="em191", TemplateBody=json.dumps(TEMPLATE))
    [stack] = cfn.describe_stacks(StackName="em191")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    ec2.create_subnet(VpcId=outputs["VpcId"], CidrBlock="10.9.1.0/24")
    cfn.delete_stack(StackName="em191")
    return {"cfn": cfn, "sns": sns, "outputs": outputs, "stack_id": stack["StackId"]}


def test_describing_a_failed_deletion_answers_its_outputs(failed_delete: dict[str, Any]) -> None:
    [stack] = failed_delete["cfn"].describe_stacks(StackName="em191")["Stacks"]
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]} == failed_delete["outputs"]


def test_describing_a_failed_deletion_does_not_create_the_deleted_topic_again(
    failed_delete: dict[str, Any],
) -> None:
    failed_delete["cfn"].describe_stacks(StackName="em191")
    failed_delete["cfn"].list_stack_resources(StackName="em191")
    topics = [t["TopicArn"] for t in failed_delete["sns"].list_topics()["Topics"]]
    assert failed_delete["outputs"]["TopicArn"] not in topics


def test_retaining_what_failed_deletes_the_stack_and_drops_its_export(
    failed_delete: dict[str, Any],
) -> None:
    cfn = failed_delete["cfn"]
    cfn.delete_stack(StackName="em191", RetainResources=["Vpc"])
    [gone] = cfn.describe_stacks(StackName=failed_delete["stack_id"])["Stacks"]
    assert gone["StackStatus"] == "DELETE_COMPLETE"
    assert "em191-topic" not in [e["Name"] for e in cfn.list_exports()["Exports"]]
