"""EM304: the events of an operation carry the ClientRequestToken it was called with
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3


def tokens(cfn: Any, stack: str) -> list[str | None]:
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return [e.get("ClientRequestToken") for e in reversed(events)]


def test_each_operation_stamps_its_own_events_with_its_token(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    body = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    cfn.create_change_set(
        StackName="em304",
        ChangeSetName="one",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(body),
    )
    before = len(tokens(cfn, "em304"))
    cfn.execute_change_set(StackName="em304", ChangeSetName="one", ClientRequestToken="create-1")
    created = tokens(cfn, "em304")[before:]
    assert created and set(created) == {"create-1"}

    body["Resources"]["Other"] = {"Type": "AWS::SNS::Topic"}
    cfn.create_change_set(
        StackName="em304",
        ChangeSetName="two",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(body),
    )
    before = len(tokens(cfn, "em304"))
    cfn.execute_change_set(StackName="em304", ChangeSetName="two", ClientRequestToken="update-2")
    assert set(tokens(cfn, "em304")[before:]) == {"update-2"}
    assert tokens(cfn, "em304")[:before][-1] == "create-1"  # history keeps its own token

    [stack] = cfn.describe_stacks(StackName="em304")["Stacks"]
    cfn.delete_stack(StackName="em304", ClientRequestToken="delete-3")
    deleted = tokens(cfn, stack["StackId"])
    assert deleted[-1] == "delete-3"
