"""`appstack outputs`: a stack's outputs, as a table and in JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3

from cli.conftest import READERS_REGION


def test_outputs_are_the_stacks_outputs_by_name(
    topic_stack: tuple[str, str], emulator_endpoint: str, read: Callable[..., str]
) -> None:
    name, _ = topic_stack
    # The topic as CloudFormation made it (ListTopics pages 100 at a time, and other
    # modules' stacks make topics in this Region too).
    cfn = boto3.client("cloudformation", region_name=READERS_REGION, endpoint_url=emulator_endpoint)
    made = cfn.describe_stack_resource(StackName=name, LogicalResourceId="Topic")
    topic = made["StackResourceDetail"]["PhysicalResourceId"]
    sns = boto3.client("sns", region_name=READERS_REGION, endpoint_url=emulator_endpoint)
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic
    assert json.loads(read("outputs", "--output", "json")) == {
        "stack": name,
        "outputs": {"TopicArn": topic},
    }
    out = read("outputs")
    assert "TopicArn" in out and topic in out.replace("\n", "")
