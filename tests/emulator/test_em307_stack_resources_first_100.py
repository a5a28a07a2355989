"""EM307: DescribeStackResources answers 100 resources of a bigger stack; ListStackResources
answers them all
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3


def test_a_stack_of_120_resources_is_described_100_and_listed_whole(
    emulator_endpoint: str,
) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    template = {"Resources": {f"Topic{i}": {"Type": "AWS::SNS::Topic"} for i in range(120)}}
    cfn.create_stack(StackName="em307", TemplateBody=json.dumps(template))
    described = cfn.describe_stack_resources(StackName="em307")["StackResources"]
    assert len(described) == 100
    one = cfn.describe_stack_resources(StackName="em307", LogicalResourceId="Topic119")
    assert [r["LogicalResourceId"] for r in one["StackResources"]] == ["Topic119"]
    pages = cfn.get_paginator("list_stack_resources").paginate(StackName="em307")
    assert sum(len(p["StackResourceSummaries"]) for p in pages) == 120
    cfn.delete_stack(StackName="em307")
