"""EM403: a bucket without BucketName is updated in place, under the name CloudFormation
generated for it.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html
(BucketName: Update requires Replacement; LifecycleConfiguration and Tags: Update requires
No interruption).
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, unique

REGION = "us-west-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def s3(emulator_endpoint: str) -> Any:
    return client("s3", emulator_endpoint, REGION)


def bucket(**properties: Any) -> dict[str, Any]:
    return {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": properties}}}


def test_a_tag_and_a_lifecycle_rule_update_the_unnamed_bucket_in_place(cfn: Any, s3: Any) -> None:
    stack = unique("em403")
    assert deploy(cfn, stack, bucket()) == "CREATE_COMPLETE"
    name = physical_id(cfn, stack, "Bucket")
    s3.put_object(Bucket=name, Key="kept.txt", Body=b"data")
    expire = {"Rules": [{"Id": "old", "Status": "Enabled", "ExpirationInDays": 30}]}
    updated = bucket(Tags=[{"Key": "team", "Value": "web"}], LifecycleConfiguration=expire)
    assert deploy(cfn, stack, updated) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "Bucket") == name
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "team", "Value": "web"}]
    assert s3.get_object(Bucket=name, Key="kept.txt")["Body"].read() == b"data"
