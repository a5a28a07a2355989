"""EM301: DescribeChangeSet pages at 100 changes with NextToken, as botocore's paginator
expects (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3


def test_a_change_set_of_230_changes_is_read_in_pages_of_100(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    template = {"Resources": {f"Topic{i}": {"Type": "AWS::SNS::Topic"} for i in range(230)}}
    cfn.create_change_set(
        StackName="em301",
        ChangeSetName="em301",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(template),
    )
    first = cfn.describe_change_set(StackName="em301", ChangeSetName="em301")
    assert len(first["Changes"]) == 100 and first["NextToken"]
    assert first["Status"] == "CREATE_COMPLETE"  # every page says what the change set is
    pages = cfn.get_paginator("describe_change_set").paginate(
        StackName="em301", ChangeSetName="em301"
    )
    ids = [c["ResourceChange"]["LogicalResourceId"] for p in pages for c in p["Changes"]]
    assert sorted(ids) == sorted(template["Resources"])
    cfn.delete_change_set(StackName="em301", ChangeSetName="em301")
    cfn.delete_stack(StackName="em301")
