"""Audit: a CloudTrail trail over every Region into an encrypted bucket that is kept; the
account baseline's (an environment holds none)."""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from appstack.blueprint import baseline
from blueprint.database_standin import features
from conftest import Template, of_type, props, refs, synth

TRAIL_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/"
    "${BaselineName}-trail"
}


@pytest.fixture(scope="module")
def audited() -> Template:
    return baseline.to_dict(config.parse({}).baseline)


def test_an_environment_with_audit_holds_no_trail_of_its_own() -> None:
    # One trail per account: a second copy of management events is billed per event.
    template = synth(features(audit=True))
    assert of_type(template, "AWS::CloudTrail::Trail") == {}
    assert "CloudTrailEncryptsThisTrailsLogs" not in _key_statements(template)


def _bucket_statements(template: Template) -> dict[str, dict[str, Any]]:
    document = props(template, "AuditLogBucketPolicy")["PolicyDocument"]
    return {s["Sid"]: s for s in document["Statement"]}


def _key_statements(template: Template) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in props(template, "EncryptionKey")["KeyPolicy"]["Statement"]}


def test_the_trail_logs_every_region_with_signed_files(audited: Template) -> None:
    trail = props(audited, "AuditTrail")
    assert trail["IsLogging"] is True
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["EnableLogFileValidation"] is True


def test_the_trail_is_named_as_the_policies_name_it(audited: Template) -> None:
    # aws:SourceArn in the bucket and key policies is built from this name.
    assert props(audited, "AuditTrail")["TrailName"] == {"Fn::Sub": "${BaselineName}-trail"}


def test_the_trail_writes_to_its_bucket_encrypted_with_the_baselines_key(
    audited: Template,
) -> None:
    trail = props(audited, "AuditTrail")
    assert refs(trail["S3BucketName"]) == {"AuditLogBucket"}
    assert refs(trail["KMSKeyId"]) == {"EncryptionKey"}


def test_the_trail_waits_for_the_bucket_policy(audited: Template) -> None:
    # CloudTrail checks its write permission when the trail is created.
    assert "AuditLogBucketPolicy" in audited["Resources"]["AuditTrail"]["DependsOn"]


def test_the_bucket_is_private_versioned_kms_encrypted_and_kept(audited: Template) -> None:
    resource = audited["Resources"]["AuditLogBucket"]
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    bucket = resource["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    default = rule["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert refs(default["KMSMasterKeyID"]) == {"EncryptionKey"}
    # With an S3 Bucket Key, creating an SSE-KMS trail also needs kms:Decrypt (CloudTrail
    # guide), which the key policy does not give CloudTrail.
    assert rule["BucketKeyEnabled"] is False


def test_only_tls_requests_reach_the_bucket(audited: Template) -> None:
    deny = _bucket_statements(audited)["DenyRequestsWithoutTls"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudtrail_may_check_the_acl_for_this_trail_only(audited: Template) -> None:
    acl = _bucket_statements(audited)["CloudTrailChecksTheBucketAcl"]
    assert acl["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert acl["Action"] == ["s3:GetBucketAcl"]
    assert acl["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN


def test_cloudtrail_writes_only_under_this_accounts_prefix(audited: Template) -> None:
    write = _bucket_statements(audited)["CloudTrailWritesThisAccountsLogs"]
    assert write["Action"] == ["s3:PutObject"]
    assert write["Resource"] == [{"Fn::Sub": "${AuditLogBucket.Arn}/AWSLogs/${AWS::AccountId}/*"}]
    conditions = write["Condition"]["StringEquals"]
    assert conditions["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert conditions["aws:SourceArn"] == TRAIL_ARN


def test_the_key_lets_cloudtrail_encrypt_for_this_trail_only(audited: Template) -> None:
    encrypt = _key_statements(audited)["CloudTrailEncryptsThisTrailsLogs"]
    assert encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Action"] == ["kms:GenerateDataKey*"]
    assert encrypt["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN
    context = encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert context == {"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"}
    describe = _key_statements(audited)["CloudTrailDescribesTheKey"]
    assert describe["Action"] == ["kms:DescribeKey"]


def test_the_key_keeps_its_earlier_statements(audited: Template) -> None:
    assert {"AccountAdministersKey", "CloudWatchLogsEncryptsThisAccountsLogGroups"} <= set(
        _key_statements(audited)
    )


def test_without_audit_the_key_says_nothing_about_cloudtrail() -> None:
    assert "CloudTrailEncryptsThisTrailsLogs" not in _key_statements(synth())


def test_events_reach_cloudwatch_logs_through_a_role_cloudtrail_assumes(
    audited: Template,
) -> None:
    trail = props(audited, "AuditTrail")
    assert refs(trail["CloudWatchLogsLogGroupArn"]) == {"AuditLogGroup"}
    assert refs(trail["CloudWatchLogsRoleArn"]) == {"AuditLogDeliveryRole"}
    role = props(audited, "AuditLogDeliveryRole")
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    [policy] = role["Policies"]
    [allow] = policy["PolicyDocument"]["Statement"]
    assert set(allow["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert refs(allow["Resource"]) == {"AuditLogGroup"}


def test_the_log_group_expires_and_is_encrypted(audited: Template) -> None:
    group = props(audited, "AuditLogGroup")
    assert group["RetentionInDays"] == 365  # baseline.log_retention_days
    assert refs(group["KmsKeyId"]) == {"EncryptionKey"}
