"""Small stacks driven through change sets, as CloudFormation's API takes them, for the
lifecycle rules (EM1xx); each test module passes its own Region."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3


def client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def deploy(cfn: Any, stack: str, template: dict[str, Any]) -> str:
    """Create or update `stack` through a change set; the status it ends in."""
    try:
        cfn.describe_stacks(StackName=stack)
        kind = "UPDATE"
    except cfn.exceptions.ClientError:
        kind = "CREATE"
    name = unique("cs")
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    return status(cfn, stack)


def status(cfn: Any, stack: str) -> str:
    found: str = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    return found


def events(cfn: Any, stack: str, status: str) -> list[dict[str, Any]]:
    """The events of the stack's resources (not of the stack) of one status, oldest first."""
    found = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return [
        e
        for e in reversed(found)
        if e["ResourceStatus"] == status and e["ResourceType"] != "AWS::CloudFormation::Stack"
    ]


def physical_id(cfn: Any, stack: str, logical_id: str) -> str:
    summaries = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return str(
        next(s["PhysicalResourceId"] for s in summaries if s["LogicalResourceId"] == logical_id)
    )


def table(logical_name: str | None = None, **extra: Any) -> dict[str, Any]:
    """An on-demand DynamoDB table keyed on `pk`."""
    properties: dict[str, Any] = {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "id", "AttributeType": "S"},
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        **extra,
    }
    if logical_name:
        properties["TableName"] = logical_name
    return {"Type": "AWS::DynamoDB::Table", "Properties": properties}


def topic() -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic"}


def aurora_cluster(**extra: Any) -> dict[str, Any]:
    """A small Aurora PostgreSQL cluster (no instances)."""
    return {
        "Type": "AWS::RDS::DBCluster",
        "Properties": {
            "Engine": "aurora-postgresql",
            "MasterUsername": "app",
            "MasterUserPassword": "not-a-real-secret-1",
            **extra,
        },
    }


def replication_group() -> dict[str, Any]:
    """A one-node Redis replication group."""
    return {
        "Type": "AWS::ElastiCache::ReplicationGroup",
        "Properties": {
            "ReplicationGroupDescription": "cache",
            "CacheNodeType": "cache.t4g.micro",
            "Engine": "redis",
            "NumCacheClusters": 1,
        },
    }


def load_balancer_stack(region: str, protected: bool) -> dict[str, Any]:
    """A VPC with two subnets and an internet-facing load balancer."""

    def subnet(cidr: str, zone: str) -> dict[str, Any]:
        return {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": cidr,
                "AvailabilityZone": f"{region}{zone}",
            },
        }

    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "SubnetA": subnet("10.0.1.0/24", "a"),
            "SubnetB": subnet("10.0.2.0/24", "b"),
            "LoadBalancer": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {
                    "Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
                    "LoadBalancerAttributes": [
                        {"Key": "deletion_protection.enabled", "Value": str(protected).lower()}
                    ],
                },
            },
        }
    }


def service_role(service: str, **extra: Any) -> dict[str, Any]:
    """An IAM role that the AWS service `service` (`ecs-tasks.amazonaws.com`) may assume."""
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            **extra,
        },
    }
