"""EM308: a request with ExpectedBucketOwner fails with 403 when another account owns the bucket
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

OTHER_ACCOUNT = "111122223333"


def other_account(endpoint: str) -> Any:
    """An S3 client of another account (moto maps an assumed role's keys to its account)."""
    sts: Any = boto3.client("sts", endpoint_url=endpoint)
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/squatter"
    keys = sts.assume_role(RoleArn=role, RoleSessionName="squat")["Credentials"]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def test_a_bucket_of_another_account_is_refused_when_the_owner_is_expected(
    emulator_endpoint: str,
) -> None:
    other_account(emulator_endpoint).create_bucket(Bucket="em308-squatted")
    s3: Any = boto3.client("s3", endpoint_url=emulator_endpoint)
    me = boto3.client("sts", endpoint_url=emulator_endpoint).get_caller_identity()["Account"]
    s3.head_bucket(Bucket="em308-squatted")  # moto serves it across accounts; AWS may too
    with pytest.raises(ClientError) as refused:
        s3.head_bucket(Bucket="em308-squatted", ExpectedBucketOwner=me)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.put_object(Bucket="em308-squatted", Key="k", Body=b"x", ExpectedBucketOwner=me)
    s3.head_bucket(Bucket="em308-squatted", ExpectedBucketOwner=OTHER_ACCOUNT)
