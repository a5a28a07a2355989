"""EM109: a property that names something that does not exist fails the resource, and the
stack rolls back.

AWS: the error each service answers for an id or ARN it cannot find, as declared (with its
document) in `src/appstack/data/references.json`, e.g.
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
(InvalidGroup.NotFound, InvalidVpcID.NotFound, NatGatewayNotFound),
https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (NotFoundException),
https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html (NotFound),
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
("If you attempt to associate a KMS key with the log group but the KMS key does not exist
... InvalidParameterException"),
https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html
(TargetGroupNotFound), https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
(NoSuchBucket).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from appstack.local.fidelity import em109_references_exist as references
from emulator._lifecycle import client, deploy, events, unique

REGION = "eu-south-2"  # a Region of its own: its VPCs count towards the emulator's five
ACCOUNT = "123456789012"
GONE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


def vpc(cidr: str = "10.40.0.0/16") -> dict[str, Any]:
    return {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}}


def subnet(zone: str, cidr: str) -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::Subnet",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "CidrBlock": cidr,
            "AvailabilityZone": f"{REGION}{zone}",
        },
    }


INGRESS = {
    "Type": "AWS::EC2::SecurityGroupIngress",
    "Properties": {
        "GroupId": "sg-0123456789abcdef0",
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "CidrIp": "10.0.0.0/8",
    },
}

#: (case, resources, the logical id that fails, the error code AWS answers)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("rule-of-a-group-that-is-gone", {"Rule": INGRESS}, "Rule", "InvalidGroup.NotFound"),
    (
        "subnet-of-a-vpc-that-is-gone",
        {
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.41.0.0/24"},
            }
        },
        "Subnet",
        "InvalidVpcID.NotFound",
    ),
    (
        "route-through-a-nat-gateway-that-is-gone",
        {
            "Vpc": vpc("10.42.0.0/16"),
            "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "Out": {
                "Type": "AWS::EC2::Route",
                "Properties": {
                    "RouteTableId": {"Ref": "Routes"},
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": "nat-0123456789abcdef0",
                },
            },
        },
        "Out",
        "NatGatewayNotFound",
    ),
    (
        "alias-of-a-key-that-is-gone",
        {
            "Alias": {
                "Type": "AWS::KMS::Alias",
                "Properties": {"AliasName": "alias/appstack-gone", "TargetKeyId": GONE_KEY},
            }
        },
        "Alias",
        "NotFoundException",
    ),
    (
        "log-group-encrypted-with-a-key-that-is-gone",
        {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"KmsKeyId": GONE_KEY}}},
        "Logs",
        "InvalidParameterException",
    ),
    (
        "subscription-to-a-topic-that-is-gone",
        {
            "Mail": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:gone-long-ago",
                    "Protocol": "email",
                    "Endpoint": "ops@example.com",
                },
            }
        },
        "Mail",
        "NotFound",
    ),
    (
        "policy-of-a-bucket-that-is-gone",
        {
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": "appstack-bucket-gone-long-ago",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": "arn:aws:s3:::appstack-bucket-gone-long-ago/*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        ],
                    },
                },
            }
        },
        "Policy",
        "NoSuchBucket",
    ),
    (
        "listener-forwarding-to-a-target-group-that-is-gone",
        {
            "Vpc": vpc("10.43.0.0/16"),
            "SubnetA": subnet("a", "10.43.0.0/24"),
            "SubnetB": subnet("b", "10.43.1.0/24"),
            "Balancer": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]},
            },
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Balancer"},
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": [
                        {
                            "Type": "forward",
                            "TargetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:"
                            "targetgroup/gone/0123456789abcdef",
                        }
                    ],
                },
            },
        },
        "Listener",
        "TargetGroupNotFound",
    ),
]


@pytest.mark.parametrize(
    ("resources", "failing", "code"),
    [pytest.param(r, f, c, id=case) for case, r, f, c in CASES],
)
def test_a_reference_to_something_that_does_not_exist_fails_and_rolls_back(
    cfn: Any, resources: dict[str, Any], failing: str, code: str
) -> None:
    stack = unique("gone")
    assert deploy(cfn, stack, {"Resources": resources}) == "ROLLBACK_COMPLETE"
    failed = events(cfn, stack, "CREATE_FAILED")
    assert failed[0]["LogicalResourceId"] == failing
    assert failed[0]["ResourceStatusReason"].startswith(code)


def test_a_rule_of_a_group_the_stack_makes_is_created(cfn: Any) -> None:
    rule = json.loads(json.dumps(INGRESS))
    rule["Properties"]["GroupId"] = {"Fn::GetAtt": ["Group", "GroupId"]}
    group = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "web", "VpcId": {"Ref": "Vpc"}},
    }
    template = {"Resources": {"Vpc": vpc("10.44.0.0/16"), "Group": group, "Rule": rule}}
    assert deploy(cfn, unique("there"), template) == "CREATE_COMPLETE"


def bucket_policy(bucket: Any, action: str) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": bucket,
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": action,
                        "Resource": {"Fn::Sub": "arn:aws:s3:::${Bucket}/*"},
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def test_an_update_naming_a_bucket_deleted_outside_the_stack_rolls_back(
    cfn: Any, emulator_endpoint: str
) -> None:
    """The bucket existed when the stack was made; deleted by hand since, an update of the
    policy that names it fails (PutBucketPolicy: NoSuchBucket) and the stack rolls back. The
    rollback puts the previous policy back on the same missing bucket, which fails too: the
    stack ends UPDATE_ROLLBACK_FAILED, as CloudFormation ends a rollback that meets a
    resource changed outside it (EM430,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-continueupdaterollback.html)."""
    s3 = client("s3", emulator_endpoint, REGION)
    bucket = unique("appstack-by-hand")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    stack = unique("handgone")

    def update(action: str, kind: str) -> None:
        template = {
            "Parameters": {"Bucket": {"Type": "String"}},
            "Resources": {"Policy": bucket_policy({"Ref": "Bucket"}, action)},
        }
        name = unique("cs")
        cfn.create_change_set(
            StackName=stack,
            ChangeSetName=name,
            ChangeSetType=kind,
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": "Bucket", "ParameterValue": bucket}],
        )
        cfn.execute_change_set(StackName=stack, ChangeSetName=name)

    update("s3:*", "CREATE")
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    s3.delete_bucket(Bucket=bucket)
    update("s3:GetObject", "UPDATE")
    status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    assert status == "UPDATE_ROLLBACK_FAILED"
    reasons = [e.get("ResourceStatusReason", "") for e in events(cfn, stack, "UPDATE_FAILED")]
    assert any(r.startswith("NoSuchBucket") for r in reasons), reasons


# The declared table itself


def test_every_declared_property_is_a_property_of_its_type() -> None:
    """A typo in the table would check nothing: each path starts with a property the
    CloudFormation registry schema of its type declares (cfn-lint ships the schemas)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    for resource_type, rows in references.table()["properties"].items():
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        for path in rows:
            assert path.split("/")[0] in schema["properties"], (resource_type, path)


def test_every_declared_kind_can_be_looked_up_and_cites_aws() -> None:
    table = references.table()
    for kind, entry in table["kinds"].items():
        assert kind in references.EXISTS, kind
        assert entry["source"].startswith("https://docs.aws.amazon.com/"), kind
    for resource_type in table["properties"]:
        for path, row in references.rows(resource_type):
            assert row["names"] in references.EXISTS, (resource_type, path)
            assert row["source"].startswith("https://docs.aws.amazon.com/"), (resource_type, path)
            assert "{id}" in row["message"], (resource_type, path)
