"""Encryption: one customer managed key per environment, rotated, kept, and usable by the
services that encrypt with it only for this account's resources."""

from __future__ import annotations

from typing import Any

from conftest import Template, of_type, props, refs


def statements(template: Template) -> dict[str, dict[str, Any]]:
    policy = props(template, "EncryptionKey")["KeyPolicy"]
    return {s["Sid"]: s for s in policy["Statement"]}


def test_the_key_rotates_and_is_kept_with_the_data_it_protects(dev: Template) -> None:
    key = dev["Resources"]["EncryptionKey"]
    assert key["Properties"]["EnableKeyRotation"] is True
    # Snapshots and kept tables are readable only while their key exists.
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    assert key["Properties"]["PendingWindowInDays"] == 30  # the longest wait KMS allows


def test_the_account_administers_the_key_through_iam(dev: Template) -> None:
    admin = statements(dev)["AccountAdministersKey"]
    assert admin["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    }


def test_cloudwatch_logs_may_use_the_key_only_for_this_accounts_log_groups(dev: Template) -> None:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html:
    # the logs service principal, limited by the kms:EncryptionContext:aws:logs:arn condition.
    logs = statements(dev)["CloudWatchLogsEncryptsThisAccountsLogGroups"]
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    condition = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert condition == {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"}


def test_every_log_group_is_encrypted_with_the_key(dev: Template) -> None:
    groups = of_type(dev, "AWS::Logs::LogGroup")
    assert groups
    for group in groups.values():
        assert refs(group["Properties"]["KmsKeyId"]) == {"EncryptionKey"}


def test_the_alias_names_the_application_and_environment(dev: Template) -> None:
    alias = props(dev, "EncryptionKeyAlias")
    assert alias["AliasName"] == {"Fn::Sub": "alias/${ApplicationName}-${EnvironmentSuffix}-data"}
    assert refs(alias["TargetKeyId"]) == {"EncryptionKey"}
