"""EM300: a change set name is found within its stack (StackName + ChangeSetName).
AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

REGION = "eu-west-3"


def template(name: str) -> str:
    return json.dumps(
        {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": name}}}}
    )


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    client: Any = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    for stack in ("em300-a", "em300-b"):
        client.create_change_set(
            StackName=stack,
            ChangeSetName="next",
            ChangeSetType="CREATE",
            TemplateBody=template(stack),
        )
        client.get_waiter("change_set_create_complete").wait(
            StackName=stack, ChangeSetName="next", WaiterConfig={"Delay": 1}
        )
    return client


def test_each_stack_answers_for_its_own_change_set(cfn: Any) -> None:
    for stack in ("em300-a", "em300-b"):
        described = cfn.describe_change_set(StackName=stack, ChangeSetName="next")
        assert described["StackName"] == stack


def test_executing_one_stacks_change_set_leaves_the_others_alone(cfn: Any) -> None:
    cfn.execute_change_set(StackName="em300-b", ChangeSetName="next")
    statuses = {
        s: cfn.describe_stacks(StackName=s)["Stacks"][0]["StackStatus"]
        for s in ("em300-a", "em300-b")
    }
    assert statuses == {"em300-a": "REVIEW_IN_PROGRESS", "em300-b": "CREATE_COMPLETE"}
