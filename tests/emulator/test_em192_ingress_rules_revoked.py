"""EM192: an AWS::EC2::SecurityGroupIngress removed by an update is revoked, so adding it
back succeeds. AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3

REGION = "sa-east-1"


def template(with_rule: bool) -> str:
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.7.0.0/16"}},
        "Group": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "g", "VpcId": {"Ref": "Vpc"}},
        },
    }
    if with_rule:
        resources["Web"] = {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "GroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "CidrIp": "10.0.0.0/8",
            },
        }
    return json.dumps({"Resources": resources})


def update(cfn: Any, with_rule: bool) -> str:
    cfn.update_stack(StackName="em192", TemplateBody=template(with_rule))
    return str(cfn.describe_stacks(StackName="em192")["Stacks"][0]["StackStatus"])


def test_a_rule_removed_and_added_back_is_revoked_then_authorized(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    ec2: Any = boto3.client("ec2", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="em192", TemplateBody=template(True))
    group = cfn.describe_stack_resource(StackName="em192", LogicalResourceId="Group")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]

    def ports() -> list[int]:
        [found] = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
        return [p.get("FromPort") for p in found["IpPermissions"]]

    assert ports() == [80]
    assert update(cfn, False) == "UPDATE_COMPLETE"
    assert ports() == []
    assert update(cfn, True) == "UPDATE_COMPLETE"
    assert ports() == [80]
