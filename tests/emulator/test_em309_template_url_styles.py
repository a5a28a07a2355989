"""EM309: a TemplateURL in either S3 addressing style names its bucket and key
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from appstack.local.fidelity.em309_template_url_styles import bucket_and_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://b.s3.us-east-1.amazonaws.com/s/t.json", ("b", "s/t.json")),
        ("https://b.s3.cn-north-1.amazonaws.com.cn/s/t.json", ("b", "s/t.json")),
        ("https://s3.cn-north-1.amazonaws.com.cn/b/s/t.json", ("b", "s/t.json")),
        ("https://b.s3.amazonaws.com/t.json", ("b", "t.json")),
        ("http://127.0.0.1:4599/b/s/t.json", ("b", "s/t.json")),
        ("http://localhost:4599/b/t.json", ("b", "t.json")),
    ],
)
def test_both_addressing_styles_name_the_bucket(url: str, expected: tuple[str, str]) -> None:
    assert bucket_and_key(url) == expected


def test_a_change_set_reads_its_template_from_the_emulators_s3_endpoint(
    emulator_endpoint: str,
) -> None:
    s3: Any = boto3.client("s3", endpoint_url=emulator_endpoint)
    s3.create_bucket(Bucket="em309")
    body = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    s3.put_object(Bucket="em309", Key="s/t.json", Body=json.dumps(body).encode())
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    cfn.create_change_set(
        StackName="em309",
        ChangeSetName="em309",
        ChangeSetType="CREATE",
        TemplateURL=f"{emulator_endpoint}/em309/s/t.json",
    )
    described = cfn.describe_change_set(StackName="em309", ChangeSetName="em309")
    assert [c["ResourceChange"]["LogicalResourceId"] for c in described["Changes"]] == ["Topic"]
    cfn.delete_change_set(StackName="em309", ChangeSetName="em309")
    cfn.delete_stack(StackName="em309")
