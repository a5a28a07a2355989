"""AWS Config on the emulator: the recorder, its delivery channel and a rule come and go with
their stack, as CloudFormation creates and deletes them (a deleted stack leaves no recorder
behind to block the next one: AWS Config allows one recorder per account and Region,
https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, unique

#: A Region no other test records AWS Config in (one recorder per account and Region).
REGION = "ap-southeast-6"
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
)
TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Recorder": {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RoleARN": ROLE}},
        "History": {"Type": "AWS::S3::Bucket"},
        "Channel": {
            "Type": "AWS::Config::DeliveryChannel",
            "DependsOn": "Recorder",
            "Properties": {"S3BucketName": {"Ref": "History"}},
        },
        "Rule": {
            "Type": "AWS::Config::ConfigRule",
            "DependsOn": "Channel",
            "Properties": {
                "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
            },
        },
    }
}


@pytest.fixture(scope="module")
def deleted(emulator_endpoint: str) -> dict[str, str]:
    """The names of the stack's Config resources, once the stack is deleted."""
    cfn = client("cloudformation", emulator_endpoint, REGION)
    stack = unique("config")
    assert deploy(cfn, stack, TEMPLATE) == "CREATE_COMPLETE"
    names = {n: physical_id(cfn, stack, n) for n in ("Recorder", "Channel", "Rule")}
    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return names


def test_a_deleted_stack_leaves_no_recorder(
    deleted: dict[str, str], emulator_endpoint: str
) -> None:
    config = client("config", emulator_endpoint, REGION)
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []


def test_a_deleted_stack_leaves_no_delivery_channel(
    deleted: dict[str, str], emulator_endpoint: str
) -> None:
    config = client("config", emulator_endpoint, REGION)
    assert config.describe_delivery_channels()["DeliveryChannels"] == []


def test_a_deleted_stack_leaves_no_rule(deleted: dict[str, str], emulator_endpoint: str) -> None:
    rules = client("config", emulator_endpoint, REGION).describe_config_rules()["ConfigRules"]
    assert deleted["Rule"] not in [r["ConfigRuleName"] for r in rules]
