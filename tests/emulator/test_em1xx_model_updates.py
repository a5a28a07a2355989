"""appstack's emulator models apply an update in place, as CloudFormation does for the
properties whose "Update requires" is "No interruption", instead of keeping the resource
as it was created; the resource keeps its physical id.

AWS (Update requires: No interruption):
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html#cfn-elasticache-replicationgroup-snapshotretentionlimit,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webacl.html#cfn-wafv2-webacl-rules,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html#cfn-cloudtrail-trail-islogging,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-backup-backupplan.html#cfn-backup-backupplan-backupplan,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-configrule.html#cfn-config-configrule-inputparameters,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-configurationrecorder.html#cfn-config-configurationrecorder-recordinggroup,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-deliverychannel.html
("You can use this action to change the Amazon S3 bucket or an Amazon SNS topic of the existing
delivery channel")
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, replication_group, unique

REGION = "eu-central-2"
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
)


def rule(name: str, priority: int) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": {
            "ManagedRuleGroupStatement": {
                "VendorName": "AWS",
                "Name": "AWSManagedRulesCommonRuleSet",
            }
        },
        "OverrideAction": {"None": {}},
        "VisibilityConfig": {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": name,
        },
    }


def template(updated: bool) -> dict[str, Any]:
    cache = replication_group()
    cache["Properties"]["SnapshotRetentionLimit"] = 7 if updated else 1
    return {
        "Resources": {
            "Cache": cache,
            "Acl": {
                "Type": "AWS::WAFv2::WebACL",
                "Properties": {
                    "Scope": "REGIONAL",
                    "DefaultAction": {"Allow": {}},
                    "VisibilityConfig": {
                        "SampledRequestsEnabled": True,
                        "CloudWatchMetricsEnabled": True,
                        "MetricName": "acl",
                    },
                    "Rules": [rule("common", 1)] + ([rule("second", 2)] if updated else []),
                },
            },
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {
                    "S3BucketName": {"Ref": "Bucket"},
                    "IsLogging": not updated,
                    "EnableLogFileValidation": updated,
                },
            },
            "Plan": {
                "Type": "AWS::Backup::BackupPlan",
                "Properties": {
                    "BackupPlan": {
                        "BackupPlanName": "plan",
                        "BackupPlanRule": [
                            {
                                "RuleName": "daily",
                                "TargetBackupVault": {"Ref": "Vault"},
                                "ScheduleExpression": "cron(0 3 * * ? *)"
                                if updated
                                else "cron(0 5 * * ? *)",
                            }
                        ],
                    }
                },
            },
            "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {}},
            "Recorder": {
                "Type": "AWS::Config::ConfigurationRecorder",
                "Properties": {
                    "RoleARN": ROLE,
                    "RecordingGroup": {
                        "AllSupported": not updated,
                        "IncludeGlobalResourceTypes": False,
                    }
                    | ({} if not updated else {"ResourceTypes": ["AWS::S3::Bucket"]}),
                },
            },
            "History": {"Type": "AWS::S3::Bucket"},
            "Channel": {
                "Type": "AWS::Config::DeliveryChannel",
                "DependsOn": "Recorder",
                "Properties": {
                    "S3BucketName": {"Ref": "History"},
                    "S3KeyPrefix": "after" if updated else "before",
                },
            },
            "Rule": {
                "Type": "AWS::Config::ConfigRule",
                "DependsOn": "Recorder",
                "Properties": {
                    "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
                    "InputParameters": {"isMfaDeleteEnabled": "true" if updated else "false"},
                },
            },
        }
    }


@pytest.fixture(scope="module")
def updated(emulator_endpoint: str) -> tuple[Any, str, dict[str, str]]:
    """One stack, created then updated; the physical ids from before the update."""
    cfn = client("cloudformation", emulator_endpoint, REGION)
    stack = unique("inplace")
    assert deploy(cfn, stack, template(updated=False)) == "CREATE_COMPLETE"
    before = {
        name: physical_id(cfn, stack, name)
        for name in ("Cache", "Acl", "Trail", "Plan", "Recorder", "Channel", "Rule")
    }
    assert deploy(cfn, stack, copy.deepcopy(template(updated=True))) == "UPDATE_COMPLETE"
    return cfn, stack, before


def test_every_updated_resource_keeps_its_physical_id(updated: tuple[Any, str, Any]) -> None:
    cfn, stack, before = updated
    assert {name: physical_id(cfn, stack, name) for name in before} == before


def test_the_replication_group_gets_its_new_snapshot_retention(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    _, _, before = updated
    groups = client("elasticache", emulator_endpoint, REGION).describe_replication_groups(
        ReplicationGroupId=before["Cache"]
    )["ReplicationGroups"]
    assert groups[0]["SnapshotRetentionLimit"] == 7


def test_the_web_acl_gets_its_new_rules(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    _, _, before = updated
    name, acl_id, scope = before["Acl"].split("|")
    acl = client("wafv2", emulator_endpoint, REGION).get_web_acl(Name=name, Id=acl_id, Scope=scope)
    assert [r["Name"] for r in acl["WebACL"]["Rules"]] == ["common", "second"]


def test_the_trail_stops_logging_and_validates_its_files(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    _, _, before = updated
    trails = client("cloudtrail", emulator_endpoint, REGION)
    assert trails.get_trail_status(Name=before["Trail"])["IsLogging"] is False
    assert trails.get_trail(Name=before["Trail"])["Trail"]["LogFileValidationEnabled"] is True


def test_the_backup_plan_gets_its_new_schedule(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    _, _, before = updated
    plan = client("backup", emulator_endpoint, REGION).get_backup_plan(BackupPlanId=before["Plan"])
    assert plan["BackupPlan"]["Rules"][0]["ScheduleExpression"] == "cron(0 3 * * ? *)"


def described(endpoint: str, kind: str, name: str) -> dict[str, Any]:
    """AWS Config's `ConfigRule`, `ConfigurationRecorder` or `DeliveryChannel` named `name`,
    as its Describe* call answers it."""
    config = client("config", endpoint, REGION)
    call = {
        "ConfigRule": config.describe_config_rules,
        "ConfigurationRecorder": config.describe_configuration_recorders,
        "DeliveryChannel": config.describe_delivery_channels,
    }[kind]
    found: dict[str, Any] = call(**{f"{kind}Names": [name]})[f"{kind}s"][0]
    return found


def test_the_config_rule_gets_its_new_parameters(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    rule = described(emulator_endpoint, "ConfigRule", updated[2]["Rule"])
    assert rule["InputParameters"] == '{"isMfaDeleteEnabled": "true"}'


def test_the_recorder_gets_its_new_recording_group(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    recorder = described(emulator_endpoint, "ConfigurationRecorder", updated[2]["Recorder"])
    assert recorder["recordingGroup"]["resourceTypes"] == ["AWS::S3::Bucket"]


def test_new_scaling_bounds_reach_the_scalable_target(emulator_endpoint: str) -> None:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-applicationautoscaling-scalabletarget.html#cfn-applicationautoscaling-scalabletarget-maxcapacity
    (MaxCapacity: Update requires No interruption)."""
    from appstack.deploy import stacks
    from appstack.deploy.session import Connection
    from appstack.local import transforms
    from conftest import synth

    conn = Connection(REGION, endpoint=emulator_endpoint)
    stack = unique("bounds")
    for max_count in (2, 4):
        config = {"environments": {"dev": {"max_count": max_count}}}
        body, _ = transforms.for_emulator(synth(config, env="dev", phase=1))
        change_set, _ = stacks.plan(conn, stack, stacks.current(conn, stack), body)
        assert stacks.apply(conn, change_set, body, production=False).ok
    targets = conn.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs"
    )["ScalableTargets"]
    assert [t["MaxCapacity"] for t in targets if stack in t["ResourceId"]] == [4]


def test_the_delivery_channel_gets_its_new_key_prefix(
    updated: tuple[Any, str, Any], emulator_endpoint: str
) -> None:
    channel = described(emulator_endpoint, "DeliveryChannel", updated[2]["Channel"])
    assert channel["s3KeyPrefix"] == "after"
