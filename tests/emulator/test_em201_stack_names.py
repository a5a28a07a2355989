"""EM201: stack names AWS refuses are refused.

CreateStack, StackName: "A stack name can contain only alphanumeric characters (case sensitive)
and hyphens. It must start with an alphabetical character and can't be longer than 128
characters." https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
CreateChangeSet takes the same names (or a stack's ARN):
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
REFUSED = ["1stack", "my_stack", "a" * 129, "-stack", "stack.name"]


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name="ap-south-1", endpoint_url=emulator_endpoint)


def names(cfn: Any) -> set[str]:
    return {s["StackName"] for s in cfn.describe_stacks()["Stacks"]}


@pytest.mark.parametrize(
    "name", REFUSED, ids=["digit-first", "underscore", "129-chars", "dash", "dot"]
)
def test_create_stack_refuses_a_name_aws_refuses(cfn: Any, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        cfn.create_stack(StackName=name, TemplateBody=TEMPLATE)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert f"Value '{name}' at 'stackName' failed to satisfy constraint" in error["Message"]
    assert name not in names(cfn)


@pytest.mark.parametrize(
    "name", REFUSED, ids=["digit-first", "underscore", "129-chars", "dash", "dot"]
)
def test_create_change_set_refuses_a_name_aws_refuses(cfn: Any, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        cfn.create_change_set(
            StackName=name, ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=TEMPLATE
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "'stackName' failed to satisfy constraint" in error["Message"]
    assert name not in names(cfn)  # no REVIEW_IN_PROGRESS stack is left under that name


def test_a_name_of_128_letters_digits_and_hyphens_is_accepted(cfn: Any) -> None:
    name = "A-1" + "b" * 125
    assert len(name) == 128
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE)
    assert name in names(cfn)
    cfn.delete_stack(StackName=name)


def test_the_129_character_refusal_names_the_length_limit(cfn: Any) -> None:
    with pytest.raises(ClientError) as caught:
        cfn.create_stack(StackName="a" * 129, TemplateBody=TEMPLATE)
    assert "length less than or equal to 128" in caught.value.response["Error"]["Message"]
