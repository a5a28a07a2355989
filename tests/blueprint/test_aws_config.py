"""Config: one recorder per account and Region with a private encrypted bucket (the account
baseline's), and rules for the stack, scoped to its own resources (the environment's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from appstack import config
from appstack.blueprint import aws_config, baseline
from appstack.checks.lint import run_cfn_lint
from conftest import Template, of_type, props, refs

Build = Callable[..., Template]


@pytest.fixture(scope="module")
def recorded() -> Template:
    """The account baseline: the recorder, its channel, bucket and role."""
    return baseline.to_dict(config.parse({}).baseline)


@pytest.fixture(scope="module")
def shared(build_template: Build) -> Template:
    """An environment at phase 2: its rules."""
    return build_template("dev", 2)


dev2 = recorded


def statements(template: Template, logical_id: str) -> dict[str, dict[str, Any]]:
    doc = props(template, logical_id)["PolicyDocument"]
    return {s["Sid"]: s for s in doc["Statement"]}


def identifiers(template: Template) -> set[str]:
    return {
        r["Properties"]["Source"]["SourceIdentifier"]
        for r in of_type(template, "AWS::Config::ConfigRule").values()
    }


def test_the_recorder_records_everything_with_the_current_recording_group(
    dev2: Template,
) -> None:
    recorder = props(dev2, "ConfigRecorder")
    assert recorder["RecordingGroup"] == {
        "AllSupported": True,
        "IncludeGlobalResourceTypes": True,
        "RecordingStrategy": {"UseOnly": "ALL_SUPPORTED_RESOURCE_TYPES"},
    }
    assert recorder["RoleARN"] == {"Fn::GetAtt": ["ConfigRole", "Arn"]}


def test_the_role_uses_the_current_aws_managed_config_policy(dev2: Template) -> None:
    role = props(dev2, "ConfigRole")
    [arn] = role["ManagedPolicyArns"]
    assert arn == {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole"}
    # The old name is gone from IAM.
    assert "service-role/ConfigRole" not in str(arn)
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "config.amazonaws.com"}


def test_the_bucket_is_encrypted_private_versioned_and_kept(dev2: Template) -> None:
    resource = dev2["Resources"]["ConfigBucket"]
    assert resource["DeletionPolicy"] == "Retain" and resource["UpdateReplacePolicy"] == "Retain"
    bucket = resource["Properties"]
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert refs(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]) == {"EncryptionKey"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}


def test_the_bucket_expires_old_history_and_old_versions_after_the_defaults(
    dev2: Template,
) -> None:
    # Versioned and retained: without a lifecycle rule every delivery and every version
    # stays forever (S3 lifecycle: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html).
    [rule] = props(dev2, "ConfigBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == 2557  # AWS Config's own default retention, 7 years
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_the_config_history_periods_come_from_the_config() -> None:
    history = {"config_history": {"keep_days": 400, "noncurrent_version_days": 7}}
    template = baseline.to_dict(config.parse({"baseline": history}).baseline)
    [rule] = props(template, "ConfigBucket")["LifecycleConfiguration"]["Rules"]
    assert (rule["ExpirationInDays"], rule["NoncurrentVersionExpiration"]["NoncurrentDays"]) == (
        400,
        7,
    )


def test_the_bucket_policy_is_the_one_config_documents_and_only_tls_gets_in(
    dev2: Template,
) -> None:
    by_sid = statements(dev2, "ConfigBucketPolicy")
    assert by_sid["AWSConfigBucketPermissionsCheck"]["Action"] == ["s3:GetBucketAcl"]
    assert by_sid["AWSConfigBucketExistenceCheck"]["Action"] == ["s3:ListBucket"]
    delivery = by_sid["AWSConfigBucketDelivery"]
    assert delivery["Action"] == ["s3:PutObject"]
    assert delivery["Principal"] == {"Service": "config.amazonaws.com"}
    assert delivery["Resource"] == [
        {"Fn::Sub": "${ConfigBucket.Arn}/AWSLogs/${AWS::AccountId}/Config/*"}
    ]
    condition = delivery["Condition"]["StringEquals"]
    assert condition["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert condition["AWS:SourceAccount"] == {"Ref": "AWS::AccountId"}
    tls = by_sid["DenyRequestsWithoutTls"]
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_delivery_channel_waits_for_the_recorder_and_the_bucket_policy(
    dev2: Template,
) -> None:
    channel = dev2["Resources"]["ConfigDeliveryChannel"]
    assert set(channel["DependsOn"]) == {"ConfigRecorder", "ConfigBucketPolicy"}
    assert channel["Properties"]["S3BucketName"] == {"Ref": "ConfigBucket"}
    assert refs(channel["Properties"]["S3KmsKeyArn"]) == {"EncryptionKey"}


def test_the_baselines_rule_waits_for_its_recorder(dev2: Template) -> None:
    for rule in of_type(dev2, "AWS::Config::ConfigRule").values():
        assert set(rule["DependsOn"]) == {"ConfigRecorder", "ConfigDeliveryChannel"}


def test_an_environments_rules_evaluate_only_its_own_stacks_resources(shared: Template) -> None:
    rules = of_type(shared, "AWS::Config::ConfigRule")
    assert rules
    for rule in rules.values():
        assert rule["Properties"]["Scope"] == {
            "TagKey": "aws:cloudformation:stack-name",
            "TagValue": {"Ref": "AWS::StackName"},
        }


def test_an_environment_adds_only_rules(shared: Template) -> None:
    assert not of_type(shared, "AWS::Config::ConfigurationRecorder")
    assert not of_type(shared, "AWS::Config::DeliveryChannel")
    assert not {"ConfigBucket", "ConfigBucketPolicy", "ConfigRole"} & set(shared["Resources"])
    rules = of_type(shared, "AWS::Config::ConfigRule")
    assert rules
    for rule in rules.values():
        assert "DependsOn" not in rule
        assert not refs(rule) & {"ConfigRecorder", "ConfigDeliveryChannel"}


def test_the_rules_check_what_this_stack_builds(shared: Template) -> None:
    assert {
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        "DYNAMODB_PITR_ENABLED",
        "RDS_STORAGE_ENCRYPTED",
        "RDS_IN_BACKUP_PLAN",
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        "ELB_LOGGING_ENABLED",
        "VPC_FLOW_LOGS_ENABLED",
        "WAFV2_LOGGING_ENABLED",
    } <= identifiers(shared)
    for rule in of_type(shared, "AWS::Config::ConfigRule").values():
        assert rule["Properties"]["Source"]["Owner"] == "AWS"
    # Whether the account has a trail is the account's question: the baseline asks it once.
    assert "CLOUD_TRAIL_ENABLED" not in identifiers(shared)
    assert identifiers(baseline.to_dict(config.parse({}).baseline)) == {"CLOUD_TRAIL_ENABLED"}


def test_database_rules_come_only_with_the_database() -> None:
    from conftest import synth

    template = synth({"environments": {"dev": {"features": {"database": False}}}}, phase=2)
    assert not {"RDS_STORAGE_ENCRYPTED", "RDS_IN_BACKUP_PLAN"} & identifiers(template)
    assert "DYNAMODB_PITR_ENABLED" in identifiers(template)


def test_every_known_rule_has_a_unique_logical_id_and_a_real_capability() -> None:
    from appstack.phases import ALL_CAPABILITIES

    rules = aws_config.managed_rules()
    assert len({r.logical_id for r in rules}) == len(rules)
    assert all(r.capability in (*ALL_CAPABILITIES, aws_config.ACCOUNT) for r in rules)
    assert all(r.identifier == r.identifier.upper() for r in rules)


def test_rules_without_a_recorder_are_cfn_lint_clean(shared: Template) -> None:
    assert run_cfn_lint(shared, ["us-east-1"]) == []
