"""EM106: CloudTrail refuses a CloudWatch Logs role that does not exist; the stack rolls back.

AWS: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
(InvalidCloudWatchLogsRoleArnException: the provided role is not valid).
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, events, unique

REGION = "me-central-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


def trail_stack(role: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Logs": {"Type": "AWS::Logs::LogGroup"},
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                },
            },
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {
                    "S3BucketName": {"Ref": "Bucket"},
                    "IsLogging": True,
                    "CloudWatchLogsLogGroupArn": {"Fn::GetAtt": ["Logs", "Arn"]},
                    "CloudWatchLogsRoleArn": role,
                },
            },
        }
    }


def test_a_trail_with_its_role_is_created(cfn: Any, emulator_endpoint: str) -> None:
    stack = unique("trailok")
    assert deploy(cfn, stack, trail_stack({"Fn::GetAtt": ["Role", "Arn"]})) == "CREATE_COMPLETE"


def test_a_trail_whose_role_does_not_exist_fails_and_rolls_back(
    cfn: Any, emulator_endpoint: str
) -> None:
    stack = unique("trailnorole")
    missing = "arn:aws:iam::123456789012:role/deleted-long-ago"
    assert deploy(cfn, stack, trail_stack(missing)) == "ROLLBACK_COMPLETE"
    failed = events(cfn, stack, "CREATE_FAILED")
    assert failed[0]["LogicalResourceId"] == "Trail"
    assert failed[0]["ResourceStatusReason"].startswith("InvalidCloudWatchLogsRoleArnException")
    trails = client("cloudtrail", emulator_endpoint, REGION).describe_trails()["trailList"]
    assert [t for t in trails if stack in t["Name"]] == []


def test_a_policy_for_a_role_that_is_gone_fails_with_no_such_entity(
    cfn: Any, emulator_endpoint: str
) -> None:
    """IAM refuses it itself (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html:
    NoSuchEntity); the stack rolls back with IAM's error as the resource's reason."""
    stack = unique("policynorole")
    policy = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "read",
            "Roles": ["deleted-long-ago"],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            },
        },
    }
    assert deploy(cfn, stack, {"Resources": {"Policy": policy}}) == "ROLLBACK_COMPLETE"
    failed = events(cfn, stack, "CREATE_FAILED")
    assert failed[0]["ResourceStatusReason"].startswith("NoSuchEntity")
