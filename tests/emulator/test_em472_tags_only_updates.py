"""EM472: UpdateStack with the same template and parameters but new Tags updates the stack
(and retags its resources); one where nothing differs is refused ("No updates are to be
performed.").
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

REGION = "ap-northeast-1"  # shared with EM470's and EM471's tests; no VPC is made here
TEMPLATE = json.dumps(
    {
        "Parameters": {"Name": {"Type": "String"}},
        "Resources": {
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": {"Ref": "Name"},
                    "Tags": [{"Key": "a", "Value": "b"}],
                },
            }
        },
    }
)
UNTAGGED = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}})


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)


def status(cfn: Any, stack: str) -> Any:
    return cfn.describe_stacks(StackName=stack)["Stacks"][0]


def test_new_tags_alone_update_the_stack_and_its_resources(
    cfn: Any, emulator_endpoint: str
) -> None:
    parameters = [{"ParameterKey": "Name", "ParameterValue": "tags-only-update"}]
    cfn.create_stack(
        StackName="tags-only-update",
        TemplateBody=TEMPLATE,
        Parameters=parameters,
        Tags=[{"Key": "team", "Value": "web"}],
    )
    cfn.update_stack(
        StackName="tags-only-update",
        TemplateBody=TEMPLATE,
        Parameters=parameters,
        Tags=[{"Key": "team", "Value": "shop"}],
    )
    described = status(cfn, "tags-only-update")
    assert described["StackStatus"] == "UPDATE_COMPLETE"
    assert described["Tags"] == [{"Key": "team", "Value": "shop"}]
    logs = boto3.client("logs", region_name=REGION, endpoint_url=emulator_endpoint)
    tags = logs.list_tags_log_group(logGroupName="tags-only-update")["tags"]
    assert tags == {"a": "b", "team": "shop"}


def test_an_update_with_the_same_template_parameters_and_tags_is_refused(cfn: Any) -> None:
    parameters = [{"ParameterKey": "Name", "ParameterValue": "same-update"}]
    tags = [{"Key": "team", "Value": "web"}]
    cfn.create_stack(
        StackName="same-update", TemplateBody=TEMPLATE, Parameters=parameters, Tags=tags
    )
    with pytest.raises(ClientError, match="No updates are to be performed"):
        cfn.update_stack(
            StackName="same-update", TemplateBody=TEMPLATE, Parameters=parameters, Tags=tags
        )


def test_an_update_without_parameters_that_changes_nothing_is_refused(cfn: Any) -> None:
    cfn.create_stack(StackName="same-untagged", TemplateBody=UNTAGGED)
    with pytest.raises(ClientError, match="No updates are to be performed"):
        cfn.update_stack(StackName="same-untagged", TemplateBody=UNTAGGED)
    assert status(cfn, "same-untagged")["StackStatus"] == "CREATE_COMPLETE"
