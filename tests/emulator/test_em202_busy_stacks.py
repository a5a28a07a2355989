"""EM202: a stack that is busy takes no second operation.

"Stack:ARN is in UPDATE_IN_PROGRESS state and can not be updated." (ValidationError) answers an
update, an UPDATE change set or an execution while the stack is *_IN_PROGRESS; executing a
change set deletes the stack's other change sets, so a second deploy that raced the first finds
its change set gone (ChangeSetNotFound); DeleteChangeSet answers InvalidChangeSetStatus while
"the stack status might be UPDATE_IN_PROGRESS".
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from emulator.own_emulator import emulator

REGION = "eu-west-3"
#: An SNS topic takes 4 s to create and 7 s to update (data/durations.json): 2 s and 3.5 s here.
SCALE = "0.5"
TEMPLATE = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
CHANGED = {
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "changed"}}}
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with emulator(APPSTACK_TIME_SCALE=SCALE) as url:
        yield url


@pytest.fixture(scope="module")
def cfn(endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)


def stack_of(cfn: Any, name: str) -> dict[str, Any]:
    found: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return found


def wait_done(cfn: Any, name: str) -> str:
    deadline = time.monotonic() + 30
    while (status := str(stack_of(cfn, name)["StackStatus"])).endswith("_IN_PROGRESS"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return status


def refusal(call: Any, **kw: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kw)
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_a_creating_stack_refuses_updates_change_sets_and_deletes(cfn: Any) -> None:
    stack_id = cfn.create_stack(StackName="busy-create", TemplateBody=json.dumps(TEMPLATE))[
        "StackId"
    ]
    assert stack_of(cfn, "busy-create")["StackStatus"] == "CREATE_IN_PROGRESS"
    cannot = f"Stack:{stack_id} is in CREATE_IN_PROGRESS state and can not be updated."
    error = refusal(cfn.update_stack, StackName="busy-create", TemplateBody=json.dumps(CHANGED))
    assert (error["Code"], error["Message"]) == ("ValidationError", cannot)
    error = refusal(
        cfn.create_change_set,
        StackName="busy-create",
        ChangeSetName="second",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(CHANGED),
    )
    assert (error["Code"], error["Message"]) == ("ValidationError", cannot)
    error = refusal(cfn.delete_stack, StackName="busy-create")
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "Stack [busy-create] cannot be deleted while in status CREATE_IN_PROGRESS"
    )
    error = refusal(cfn.create_stack, StackName="busy-create", TemplateBody=json.dumps(TEMPLATE))
    assert error["Code"] == "AlreadyExistsException"
    assert wait_done(cfn, "busy-create") == "CREATE_COMPLETE"
    assert len([s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == "busy-create"]) == 1


def test_a_change_set_made_before_an_update_cannot_run_during_it(cfn: Any) -> None:
    stack_id = cfn.create_stack(StackName="busy-update", TemplateBody=json.dumps(TEMPLATE))[
        "StackId"
    ]
    wait_done(cfn, "busy-update")
    cfn.create_change_set(
        StackName="busy-update",
        ChangeSetName="waiting",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(CHANGED),
    )
    cfn.update_stack(StackName="busy-update", TemplateBody=json.dumps(CHANGED))
    assert stack_of(cfn, "busy-update")["StackStatus"] == "UPDATE_IN_PROGRESS"
    error = refusal(cfn.execute_change_set, StackName="busy-update", ChangeSetName="waiting")
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        f"Stack:{stack_id} is in UPDATE_IN_PROGRESS state and can not be updated.",
    )
    error = refusal(cfn.delete_change_set, StackName="busy-update", ChangeSetName="waiting")
    assert error["Code"] == "InvalidChangeSetStatus"
    assert wait_done(cfn, "busy-update") == "UPDATE_COMPLETE"


def test_a_second_delete_of_a_stack_being_deleted_changes_nothing(cfn: Any) -> None:
    cfn.create_stack(StackName="busy-delete", TemplateBody=json.dumps(TEMPLATE))
    wait_done(cfn, "busy-delete")
    cfn.delete_stack(StackName="busy-delete")
    cfn.delete_stack(StackName="busy-delete")
    deleting = [e for e in cfn.describe_stack_events(StackName="busy-delete")["StackEvents"]]
    assert [e["ResourceStatus"] for e in deleting if e["LogicalResourceId"] == "busy-delete"].count(
        "DELETE_IN_PROGRESS"
    ) == 1


def test_two_deploys_that_race_to_create_one_stack_make_one_stack(endpoint: str, cfn: Any) -> None:
    conn = Connection(REGION, endpoint=endpoint)
    sns = boto3.client("sns", region_name=REGION, endpoint_url=endpoint)
    template = {
        "Resources": {"Alerts": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "race"}}}
    }
    first, _ = stacks.plan(conn, "busy-race", None, template)  # both saw no stack
    second, _ = stacks.plan(conn, "busy-race", None, template)
    outcome = stacks.apply(conn, first, template, production=False)
    with pytest.raises(stacks.DeployError, match="another deploy changed stack busy-race"):
        stacks.apply(conn, second, template, production=False)
    assert outcome.status == "CREATE_COMPLETE"
    assert [s["StackName"] for s in cfn.describe_stacks()["Stacks"]].count("busy-race") == 1
    arns = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":race")]
    assert len(arns) == 1  # nothing made outside the stack


def test_a_stack_in_progress_or_under_review_takes_no_stack_policy(cfn: Any) -> None:
    body = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}
            ]
        }
    )
    review_id = cfn.create_change_set(
        StackName="busy-policy-review",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(TEMPLATE),
    )["StackId"]
    error = refusal(cfn.set_stack_policy, StackName="busy-policy-review", StackPolicyBody=body)
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        f"Stack:{review_id} is in REVIEW_IN_PROGRESS state and can not be updated.",
    )
    stack_id = cfn.create_stack(StackName="busy-policy", TemplateBody=json.dumps(TEMPLATE))[
        "StackId"
    ]
    error = refusal(cfn.set_stack_policy, StackName="busy-policy", StackPolicyBody=body)
    assert error["Message"] == (
        f"Stack:{stack_id} is in CREATE_IN_PROGRESS state and can not be updated."
    )
    assert wait_done(cfn, "busy-policy") == "CREATE_COMPLETE"
    cfn.set_stack_policy(StackName="busy-policy", StackPolicyBody=body)  # done: it takes one
    assert json.loads(cfn.get_stack_policy(StackName="busy-policy")["StackPolicyBody"])
