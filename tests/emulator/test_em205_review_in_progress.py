"""EM205: an unexecuted CREATE change set leaves a REVIEW_IN_PROGRESS stack.

"To create a change set for a stack that doesn't exist, for the ChangeSetType parameter,
specify CREATE ... AWS CloudFormation creates the stack with the REVIEW_IN_PROGRESS status;
it stays so until the change set is executed", and more CREATE change sets can be made for it;
deleting the stack deletes its change sets.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client(
        "cloudformation", region_name="ca-central-1", endpoint_url=emulator_endpoint
    )


def create_change_set(cfn: Any, stack: str, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = cfn.create_change_set(
        StackName=stack, ChangeSetName=name, ChangeSetType="CREATE", TemplateBody=TEMPLATE
    )
    return answer


def statuses(cfn: Any, name: str) -> list[str]:
    return [s["StackStatus"] for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == name]


def test_an_unexecuted_create_change_set_leaves_a_stack_under_review(cfn: Any) -> None:
    create_change_set(cfn, "review-shown", "first")
    assert statuses(cfn, "review-shown") == ["REVIEW_IN_PROGRESS"]
    stack = cfn.describe_stacks(StackName="review-shown")["Stacks"][0]
    assert stack["StackStatus"] == "REVIEW_IN_PROGRESS"


def test_a_second_create_change_set_joins_the_stack_under_review(cfn: Any) -> None:
    first = create_change_set(cfn, "review-two", "first")
    second = create_change_set(cfn, "review-two", "second")
    assert second["StackId"] == first["StackId"]
    assert statuses(cfn, "review-two") == ["REVIEW_IN_PROGRESS"]
    summaries = cfn.list_change_sets(StackName="review-two")["Summaries"]
    assert sorted(s["ChangeSetName"] for s in summaries) == ["first", "second"]


def test_deleting_the_change_set_leaves_the_stack_under_review(cfn: Any) -> None:
    create_change_set(cfn, "review-kept", "first")
    cfn.delete_change_set(StackName="review-kept", ChangeSetName="first")
    assert statuses(cfn, "review-kept") == ["REVIEW_IN_PROGRESS"]


def test_delete_stack_removes_the_stack_under_review_and_its_change_sets(cfn: Any) -> None:
    change_set = create_change_set(cfn, "review-gone", "first")
    cfn.delete_stack(StackName="review-gone")
    assert statuses(cfn, "review-gone") == []
    with pytest.raises(ClientError, match="does not exist"):
        cfn.describe_stacks(StackName="review-gone")
    with pytest.raises(ClientError) as caught:
        cfn.describe_change_set(ChangeSetName=change_set["Id"])
    assert caught.value.response["Error"]["Code"] == "ChangeSetNotFound"


def test_a_create_change_set_for_a_stack_that_exists_is_refused(cfn: Any) -> None:
    cfn.create_stack(StackName="review-exists", TemplateBody=TEMPLATE)
    with pytest.raises(ClientError) as caught:
        create_change_set(cfn, "review-exists", "again")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "Stack [review-exists] already exists and cannot be created again with the "
        "changeSet [again]."
    )
    assert statuses(cfn, "review-exists") == ["CREATE_COMPLETE"]


def test_an_update_change_set_for_a_stack_under_review_is_refused(cfn: Any) -> None:
    stack_id = create_change_set(cfn, "review-update", "first")["StackId"]
    with pytest.raises(ClientError) as caught:
        cfn.create_change_set(
            StackName="review-update",
            ChangeSetName="update",
            ChangeSetType="UPDATE",
            TemplateBody=TEMPLATE,
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        f"Stack:{stack_id} is in REVIEW_IN_PROGRESS state and can not be updated."
    )
