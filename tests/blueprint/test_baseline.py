"""The account baseline's template: the account's one Config recorder and one multi-Region
trail, their buckets kept, their key of their own, names from `BaselineName`."""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from appstack.blueprint import baseline
from appstack.checks.validate import validate_template
from conftest import of_type, props

Template = dict[str, Any]


@pytest.fixture(scope="module")
def template() -> Template:
    return baseline.to_dict(config.parse({}).baseline)


def test_it_holds_the_recorder_the_channel_and_a_multi_region_trail(template: Template) -> None:
    assert len(of_type(template, "AWS::Config::ConfigurationRecorder")) == 1
    assert len(of_type(template, "AWS::Config::DeliveryChannel")) == 1
    [trail] = of_type(template, "AWS::CloudTrail::Trail").values()
    assert trail["Properties"]["IsMultiRegionTrail"] is True
    assert trail["Properties"]["EnableLogFileValidation"] is True
    # One rule, about the account (is a trail on?); an environment's rules are its own.
    [rule] = of_type(template, "AWS::Config::ConfigRule").values()
    assert rule["Properties"]["Source"]["SourceIdentifier"] == "CLOUD_TRAIL_ENABLED"
    assert rule["DependsOn"] == ["ConfigRecorder", "ConfigDeliveryChannel"]


def test_names_follow_the_baseline_name(template: Template) -> None:
    assert template["Parameters"]["BaselineName"]["Default"] == "appstack"
    assert props(template, "AuditTrail")["TrailName"] == {"Fn::Sub": "${BaselineName}-trail"}
    alias = props(template, "EncryptionKeyAlias")["AliasName"]
    assert alias == {"Fn::Sub": "alias/${BaselineName}-baseline"}
    named = baseline.to_dict(config.parse({"baseline": {"name": "security"}}).baseline)
    assert named["Parameters"]["BaselineName"]["Default"] == "security"
    assert "ApplicationName" not in str(template) and "EnvironmentSuffix" not in str(template)


def test_the_key_lets_cloudtrail_encrypt_only_this_trails_logs(template: Template) -> None:
    statements = {s["Sid"]: s for s in props(template, "EncryptionKey")["KeyPolicy"]["Statement"]}
    assert "CloudWatchAlarmsPublishToEncryptedTopic" not in statements  # no alarm topic here
    condition = statements["CloudTrailEncryptsThisTrailsLogs"]["Condition"]["StringEquals"]
    assert condition["aws:SourceArn"]["Fn::Sub"].endswith(":trail/${BaselineName}-trail")


def test_what_it_records_is_kept_when_the_baseline_goes(template: Template) -> None:
    for logical_id in ("ConfigBucket", "AuditLogBucket", "AccessLogBucket", "EncryptionKey"):
        assert template["Resources"][logical_id]["DeletionPolicy"] == "Retain", logical_id
    assert template["Resources"]["AuditLogGroup"]["DeletionPolicy"] == "Retain"
    # The buckets' own requests are logged in the baseline's access log bucket.
    for bucket in ("ConfigBucket", "AuditLogBucket"):
        logging = props(template, bucket)["LoggingConfiguration"]
        assert logging["DestinationBucketName"] == {"Ref": "AccessLogBucket"}, bucket


def test_history_keeps_for_the_baseline_setting(template: Template) -> None:
    short = baseline.to_dict(
        config.parse({"baseline": {"config_history": {"keep_days": 400}}}).baseline
    )
    [rule] = props(short, "ConfigBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 400


def test_cfn_lint_the_rules_and_checkov_find_nothing(template: Template) -> None:
    assert validate_template(template, "us-east-1") == []
