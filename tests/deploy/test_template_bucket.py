"""The template bucket: owned by this account on every call, in the account regional namespace
where S3 offers it, unique keys that expire, and URLs on the partition's S3 endpoint.

References: ExpectedBucketOwner
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html), bucket
namespaces (https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html),
CreateBucket's BucketAlreadyOwnedByYou
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from appstack.deploy import stacks, template_bucket
from appstack.deploy.session import Connection
from deploy.deploying import deploy, on_emulator
from emulator.test_em308_expected_bucket_owner import other_account

LARGE = {
    "Metadata": {"Padding": "x" * 52_000},
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
}


def s3_calls(conn: Connection) -> list[tuple[str, dict[str, Any]]]:
    made: list[tuple[str, dict[str, Any]]] = []
    conn.client("s3").meta.events.register(
        "provide-client-params.s3.*",
        lambda params, model, **_: made.append((model.name, dict(params))),
    )
    return made


@pytest.fixture(scope="module")
def large_deploy(emulator_endpoint: str) -> tuple[Connection, list[tuple[str, dict[str, Any]]]]:
    # A Region of its own: no other test's large template has made the bucket there.
    conn = on_emulator(emulator_endpoint, "ap-east-1")
    calls = s3_calls(conn)
    assert deploy(conn, "large-owned", LARGE).ok
    return conn, calls


def account(conn: Connection) -> str:
    return str(conn.client("sts").get_caller_identity()["Account"])


def test_every_call_on_the_template_bucket_names_its_owner(
    large_deploy: tuple[Connection, list[tuple[str, dict[str, Any]]]],
) -> None:
    conn, calls = large_deploy
    assert {name for name, _ in calls} >= {"HeadBucket", "CreateBucket", "PutObject"}
    for name, params in calls:
        if name != "CreateBucket":  # it takes no owner: the caller's account owns what it makes
            assert params.get("ExpectedBucketOwner") == account(conn), name


def test_the_template_bucket_is_in_the_account_regional_namespace(
    large_deploy: tuple[Connection, list[tuple[str, dict[str, Any]]]],
) -> None:
    conn, calls = large_deploy
    [create] = [params for name, params in calls if name == "CreateBucket"]
    assert create["BucketNamespace"] == "account-regional"
    assert create["Bucket"] == f"appstack-templates-{account(conn)}-ap-east-1-an"


def test_old_templates_expire(
    large_deploy: tuple[Connection, list[tuple[str, dict[str, Any]]]],
) -> None:
    conn, _ = large_deploy
    bucket = f"appstack-templates-{account(conn)}-ap-east-1-an"
    rules = conn.client("s3").get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["Expiration"]["Days"] for r in rules if r["Status"] == "Enabled"] == [
        template_bucket.EXPIRE_AFTER_DAYS
    ]


def test_a_template_bucket_of_another_account_gets_no_template(emulator_endpoint: str) -> None:
    """Where the global namespace is all there is (Bahrain), the name can be taken first."""
    conn = on_emulator(emulator_endpoint, "me-south-1")
    squatted = f"appstack-templates-{account(conn)}-me-south-1"
    squatter = other_account(emulator_endpoint)
    squatter.create_bucket(
        Bucket=squatted, CreateBucketConfiguration={"LocationConstraint": "me-south-1"}
    )
    with pytest.raises(stacks.DeployError, match=f"{squatted} exists but does not belong"):
        deploy(conn, "large-squatted", LARGE)
    assert squatter.list_objects_v2(Bucket=squatted).get("KeyCount", 0) == 0


def test_a_bucket_made_meanwhile_by_a_deploy_beside_this_one_is_used() -> None:
    s3 = boto3.client("s3", region_name="eu-south-1")
    bucket = template_bucket.bucket_for("123456789012", "eu-south-1")
    with Stubber(s3) as stub:
        stub.add_client_error("head_bucket", "404", "Not Found", 404)
        stub.add_client_error("create_bucket", "BucketAlreadyOwnedByYou", "yours", 409)
        for operation in (
            "put_public_access_block",
            "put_bucket_encryption",
            "put_bucket_lifecycle_configuration",
        ):
            stub.add_response(operation, {})
        template_bucket.ensure(s3, bucket, "eu-south-1")
        stub.assert_no_pending_responses()


def test_two_templates_uploaded_within_a_second_get_their_own_keys() -> None:
    assert template_bucket.object_key("s") != template_bucket.object_key("s")


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn-north-1", "s3.cn-north-1.amazonaws.com.cn"),
        ("eu-west-2", "s3.eu-west-2.amazonaws.com"),
        ("us-gov-west-1", "s3.us-gov-west-1.amazonaws.com"),
    ],
)
def test_the_template_url_is_on_the_partitions_s3_endpoint(
    region: str, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # AWS itself, not the emulator
    s3 = boto3.client("s3", region_name=region)
    url = template_bucket.template_url(s3, "bucket", "stack/key.json")
    assert url == f"https://bucket.{host}/stack/key.json"
