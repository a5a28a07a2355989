"""EM451: the stack's tags are copied onto the resources it creates; a tag the template sets
on a resource keeps the template's value.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

import json

import boto3
import pytest

REGION = "ap-southeast-7"  # shared with EM450's test only; no VPC is made
TEMPLATE = json.dumps(
    {
        "Resources": {
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": "tag-copies",
                    "Tags": [{"Key": "team", "Value": "from-template"}],
                },
            }
        }
    }
)


@pytest.fixture(scope="module")
def resource_tags(emulator_endpoint: str) -> dict[str, str]:
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    logs = boto3.client("logs", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(
        StackName="tag-copies",
        TemplateBody=TEMPLATE,
        Tags=[{"Key": "team", "Value": "from-stack"}, {"Key": "cost-center", "Value": "42"}],
    )
    found: dict[str, str] = logs.list_tags_log_group(logGroupName="tag-copies")["tags"]
    return found


def test_a_stack_tag_is_copied_onto_its_resources(resource_tags: dict[str, str]) -> None:
    assert resource_tags["cost-center"] == "42"


def test_a_tag_the_template_sets_on_the_resource_keeps_its_value(
    resource_tags: dict[str, str],
) -> None:
    assert resource_tags["team"] == "from-template"
