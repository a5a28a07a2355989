"""EM303: an update that changes only Outputs makes an executable change set with no Changes
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html);
one without any change ends FAILED."""

from __future__ import annotations

import json
from typing import Any

import boto3

TOPIC = {"Topic": {"Type": "AWS::SNS::Topic"}}


def make(cfn: Any, name: str, template: dict[str, Any]) -> dict[str, Any]:
    cfn.create_change_set(
        StackName="em303",
        ChangeSetName=name,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
    )
    described: dict[str, Any] = cfn.describe_change_set(StackName="em303", ChangeSetName=name)
    return described


def test_outputs_only_is_executable_and_no_change_is_failed(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="em303", TemplateBody=json.dumps({"Resources": TOPIC}))
    with_output = {
        "Resources": TOPIC,
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    outputs_only = make(cfn, "outputs", with_output)
    assert outputs_only["Status"] == "CREATE_COMPLETE"
    assert outputs_only["ExecutionStatus"] == "AVAILABLE"
    assert outputs_only["Changes"] == []
    cfn.execute_change_set(StackName="em303", ChangeSetName="outputs")
    [stack] = cfn.describe_stacks(StackName="em303")["Stacks"]
    assert [o["OutputKey"] for o in stack["Outputs"]] == ["TopicArn"]

    unchanged = make(cfn, "unchanged", with_output)
    assert unchanged["Status"] == "FAILED"
    assert "didn't contain changes" in unchanged["StatusReason"]
    cfn.delete_stack(StackName="em303")
