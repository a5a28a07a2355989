"""Executing a change set on the emulator does to its stack what it does on AWS.

ExecuteChangeSet runs the change set of the stack named (change set names are unique per
stack, not per account), deletes the other change sets of that stack, and the stack then
shows the Description of the template that ran.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

REGION = "ap-northeast-3"


def _template(description: str) -> str:
    return json.dumps(
        {"Description": description, "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    )


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)


def _create(cfn: Any, stack: str, change_set: str, description: str) -> None:
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=change_set,
        ChangeSetType="CREATE",
        TemplateBody=_template(description),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=stack, ChangeSetName=change_set, WaiterConfig={"Delay": 0.2}
    )


def test_executing_a_change_set_runs_the_one_of_the_stack_named_and_leaves_others_alone(
    cfn: Any,
) -> None:
    _create(cfn, "first-stack", "deploy", "first")
    _create(cfn, "second-stack", "deploy", "second")

    cfn.execute_change_set(StackName="second-stack", ChangeSetName="deploy")
    cfn.get_waiter("stack_create_complete").wait(
        StackName="second-stack", WaiterConfig={"Delay": 0.2}
    )

    (second,) = cfn.describe_stacks(StackName="second-stack")["Stacks"]
    assert second["Description"] == "second"
    first = cfn.describe_change_set(StackName="first-stack", ChangeSetName="deploy")
    assert first["ExecutionStatus"] == "AVAILABLE"  # not run, not dropped


def test_executing_a_change_set_deletes_the_other_change_sets_of_its_stack(cfn: Any) -> None:
    _create(cfn, "racing-stack", "one", "one")
    cfn.create_change_set(
        StackName="racing-stack",
        ChangeSetName="two",
        ChangeSetType="CREATE",
        TemplateBody=_template("two"),
    )
    cfn.execute_change_set(StackName="racing-stack", ChangeSetName="one")
    cfn.get_waiter("stack_create_complete").wait(
        StackName="racing-stack", WaiterConfig={"Delay": 0.2}
    )
    names = [
        s["ChangeSetName"] for s in cfn.list_change_sets(StackName="racing-stack")["Summaries"]
    ]
    assert names == [] or names == ["one"]
    (stack,) = cfn.describe_stacks(StackName="racing-stack")["Stacks"]
    assert stack["Description"] == "one"
