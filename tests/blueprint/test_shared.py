"""Shared blueprint pieces: the access log bucket and the principals its policy admits."""

from __future__ import annotations

from conftest import Template, props, synth


def test_the_access_log_bucket_is_private_encrypted_versioned_and_kept(dev: Template) -> None:
    bucket = dev["Resources"]["AccessLogBucket"]
    p = bucket["Properties"]
    assert all(p["PublicAccessBlockConfiguration"].values())
    rule = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    # ALB access logs can only be written to SSE-S3 buckets.
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain"


def test_the_access_log_bucket_admits_the_regions_elb_account_and_tls_only(dev: Template) -> None:
    statements = props(dev, "AccessLogBucketPolicy")["PolicyDocument"]["Statement"]
    allow, _server_access_logs, deny = statements
    assert allow["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert allow["Action"] == ["s3:PutObject"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_newer_regions_admit_the_log_delivery_service_instead() -> None:
    template = synth({"region": "eu-central-2"})
    allow = props(template, "AccessLogBucketPolicy")["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


def test_log_buckets_expire_their_logs_and_then_the_versions_those_replaced(dev: Template) -> None:
    (rule,) = props(dev, "AccessLogBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] > 0
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}


def test_a_log_delivery_role_may_only_write_to_its_own_log_group(dev: Template) -> None:
    (policy,) = props(dev, "FlowLogRole")["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Resource"] == [{"Fn::GetAtt": ["FlowLogGroup", "Arn"]}]
    assert all(action.startswith("logs:") for action in statement["Action"])
    assert "logs:PutLogEvents" in statement["Action"]
