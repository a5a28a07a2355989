"""EM460: DescribeStackResources with a PhysicalResourceId (and no StackName) answers the
resources of the stack that holds it, and refuses one no stack holds
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.accounts import Account


def test_the_stack_holding_a_resource_is_found_by_its_physical_id(emulator_endpoint: str) -> None:
    cfn = Account(emulator_endpoint).client("cloudformation")
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    cfn.create_stack(StackName="em460", TemplateBody=json.dumps(template))
    [topic] = cfn.describe_stack_resources(StackName="em460")["StackResources"]
    found = cfn.describe_stack_resources(PhysicalResourceId=topic["PhysicalResourceId"])
    assert [r["StackName"] for r in found["StackResources"]] == ["em460"]
    with pytest.raises(ClientError, match="ValidationError"):
        cfn.describe_stack_resources(PhysicalResourceId="arn:aws:sns:us-east-1:1:no-such-topic")
