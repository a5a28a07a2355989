"""EM206: a change set that changes nothing ends FAILED, as AWS reports it.

CreateChangeSet answers with the change set's id; DescribeChangeSet then shows Status FAILED,
ExecutionStatus UNAVAILABLE and StatusReason "The submitted information didn't contain changes.
Submit different information to create a change set." A change set that is not AVAILABLE cannot
be executed (InvalidChangeSetStatus); one that is gone answers ChangeSetNotFound. UpdateStack
with nothing to change answers ValidationError "No updates are to be performed."
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from appstack.deploy import stacks
from appstack.deploy.session import Connection

REGION = "ap-northeast-2"
NO_CHANGES = (
    "The submitted information didn't contain changes. "
    "Submit different information to create a change set."
)
TEMPLATE = {
    "Parameters": {"Name": {"Type": "String", "Default": "a"}},
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Name"}}}
    },
}


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)


def deployed(cfn: Any, name: str) -> str:
    stack_id: str = cfn.create_stack(
        StackName=name,
        TemplateBody=json.dumps(TEMPLATE),
        Parameters=[{"ParameterKey": "Name", "ParameterValue": name}],
    )["StackId"]
    return stack_id


def update_change_set(cfn: Any, stack: str, name: str) -> dict[str, Any]:
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(TEMPLATE),
        Parameters=[{"ParameterKey": "Name", "ParameterValue": stack}],
    )
    described: dict[str, Any] = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
    return described


def test_a_change_set_without_changes_ends_failed_with_aws_reason(cfn: Any) -> None:
    deployed(cfn, "empty-same")
    described = update_change_set(cfn, "empty-same", "same")
    assert described["Status"] == "FAILED"
    assert described["ExecutionStatus"] == "UNAVAILABLE"
    assert described["StatusReason"] == NO_CHANGES
    assert described.get("Changes", []) == []


def test_a_failed_change_set_cannot_be_executed(cfn: Any) -> None:
    deployed(cfn, "empty-execute")
    described = update_change_set(cfn, "empty-execute", "same")
    with pytest.raises(ClientError) as caught:
        cfn.execute_change_set(ChangeSetName=described["ChangeSetId"])
    assert caught.value.response["Error"]["Code"] == "InvalidChangeSetStatus"
    stack = cfn.describe_stacks(StackName="empty-execute")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_deleting_a_change_set_that_is_gone_answers_not_found(cfn: Any) -> None:
    deployed(cfn, "empty-gone")
    update_change_set(cfn, "empty-gone", "same")
    cfn.delete_change_set(StackName="empty-gone", ChangeSetName="same")
    with pytest.raises(ClientError) as caught:
        cfn.delete_change_set(StackName="empty-gone", ChangeSetName="same")
    assert caught.value.response["Error"]["Code"] == "ChangeSetNotFound"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_update_stack_without_changes_is_refused(cfn: Any) -> None:
    deployed(cfn, "empty-update")
    with pytest.raises(ClientError) as caught:
        cfn.update_stack(
            StackName="empty-update",
            TemplateBody=json.dumps(TEMPLATE),
            Parameters=[{"ParameterKey": "Name", "UsePreviousValue": True}],
        )
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        "No updates are to be performed.",
    )


def test_plan_of_an_up_to_date_stack_says_no_changes(emulator_endpoint: str, cfn: Any) -> None:
    conn = Connection(REGION, endpoint=emulator_endpoint)
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    change_set, _ = stacks.plan(conn, "empty-plan", None, template)
    assert stacks.apply(conn, change_set, template, production=False).ok
    again, risks = stacks.plan(conn, "empty-plan", stacks.current(conn, "empty-plan"), template)
    stacks.discard(conn, again)  # what `appstack plan` does after showing it
    assert again.empty and risks == []
    assert cfn.describe_stacks(StackName="empty-plan")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )


def test_a_change_set_is_compared_with_the_parameters_of_the_last_one_that_ran(cfn: Any) -> None:
    deployed(cfn, "empty-params")  # Name = empty-params

    def change_set(name: str, value: str) -> dict[str, Any]:
        cfn.create_change_set(
            StackName="empty-params",
            ChangeSetName=name,
            ChangeSetType="UPDATE",
            TemplateBody=json.dumps(TEMPLATE),
            Parameters=[{"ParameterKey": "Name", "ParameterValue": value}],
        )
        described: dict[str, Any] = cfn.describe_change_set(
            StackName="empty-params", ChangeSetName=name
        )
        return described

    assert change_set("rename", "renamed")["Status"] == "CREATE_COMPLETE"
    cfn.execute_change_set(StackName="empty-params", ChangeSetName="rename")
    assert change_set("again", "renamed")["StatusReason"] == NO_CHANGES
    assert change_set("back", "empty-params")["Status"] == "CREATE_COMPLETE"
