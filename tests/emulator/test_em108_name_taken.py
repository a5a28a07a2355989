"""EM108 and the create-handler contract: a resource whose fixed name is taken fails to be
created (the service's or CloudFormation's AlreadyExists error), and the stack rolls back;
the first resource stays as it was.

AWS: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
(TrailAlreadyExistsException), https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html
(a create handler fails with AlreadyExists), and for the services that refuse a duplicate
themselves: https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html,
https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html,
https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, events, unique

REGION = "ap-south-2"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


def named(kind: str, name: str) -> dict[str, Any]:
    """A resource of `kind` with a fixed name (and what it needs)."""
    resources: dict[str, dict[str, Any]] = {
        "trail": {
            "Type": "AWS::CloudTrail::Trail",
            "Properties": {"TrailName": name, "S3BucketName": {"Ref": "Bucket"}, "IsLogging": True},
        },
        "config-rule": {
            "Type": "AWS::Config::ConfigRule",
            "Properties": {
                "ConfigRuleName": name,
                "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
            },
        },
        "vault": {"Type": "AWS::Backup::BackupVault", "Properties": {"BackupVaultName": name}},
        "web-acl": {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "Name": name,
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": "acl",
                },
            },
        },
        "secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": name}},
    }
    return {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}, "Named": resources[kind]}}


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("trail", "TrailAlreadyExistsException"),
        ("config-rule", "Resource of type 'AWS::Config::ConfigRule' with identifier"),
        ("vault", "AlreadyExistsException"),
        ("web-acl", "WafV2DuplicateItem"),
        ("secret", "ResourceExistsException"),
    ],
)
def test_a_second_stack_cannot_take_a_fixed_name(cfn: Any, kind: str, error: str) -> None:
    name = unique(f"taken-{kind}")
    first, second = unique("first"), unique("second")
    assert deploy(cfn, first, named(kind, name)) == "CREATE_COMPLETE"
    assert deploy(cfn, second, named(kind, name)) == "ROLLBACK_COMPLETE"
    failed = events(cfn, second, "CREATE_FAILED")
    assert failed[0]["LogicalResourceId"] == "Named"
    assert failed[0]["ResourceStatusReason"].startswith(error)
