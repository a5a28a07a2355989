"""EM471: executing a change set with new stack tags retags the stack and each resource that
takes tags, through the resource's own service (a tag dropped from the stack is removed, one
set outside CloudFormation stays), with an update event per retagged resource.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

REGION = "ap-northeast-1"  # shared with EM470's and EM472's tests; the one VPC made there
STACK = "tag-updates"
BEFORE = {"team": "web", "cost-center": "1001"}
AFTER = {"team": "shop", "owner": "ops"}  # team changed, cost-center dropped, owner added
TAGS = [{"Key": "name", "Value": "mine"}]  # what each resource's template sets itself
TEMPLATE = json.dumps(
    {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "Tags": TAGS,
                },
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": "tag-updates", "Tags": TAGS},
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": TAGS}},
            "Repository": {"Type": "AWS::ECR::Repository", "Properties": {"Tags": TAGS}},
            "Network": {
                "Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": "10.47.0.0/16", "Tags": TAGS},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Tags": TAGS,
                },
            },
        }
    }
)


def as_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def as_dict(tags: list[dict[str, str]]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags}


class Deployed:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.cfn = self.client("cloudformation")

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint)

    def physical(self, logical_id: str) -> str:
        found = self.cfn.describe_stack_resource(StackName=STACK, LogicalResourceId=logical_id)
        return str(found["StackResourceDetail"]["PhysicalResourceId"])

    def table_arn(self) -> str:
        described = self.client("dynamodb").describe_table(TableName=self.physical("Table"))
        return str(described["Table"]["TableArn"])


@pytest.fixture(scope="module")
def deployed(emulator_endpoint: str) -> Deployed:
    stack = Deployed(emulator_endpoint)
    stack.cfn.create_stack(
        StackName=STACK,
        TemplateBody=TEMPLATE,
        Tags=as_list(BEFORE),
        Capabilities=["CAPABILITY_IAM"],
    )
    # A tag added outside CloudFormation: the stack's update leaves it alone.
    stack.client("dynamodb").tag_resource(
        ResourceArn=stack.table_arn(), Tags=[{"Key": "added-by-hand", "Value": "yes"}]
    )
    stack.cfn.create_change_set(
        StackName=STACK,
        ChangeSetName="retag",
        ChangeSetType="UPDATE",
        TemplateBody=TEMPLATE,
        Tags=as_list(AFTER),
        Capabilities=["CAPABILITY_IAM"],
    )
    stack.cfn.execute_change_set(StackName=STACK, ChangeSetName="retag")
    return stack


def test_the_stack_takes_the_change_sets_tags(deployed: Deployed) -> None:
    described = deployed.cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert described["StackStatus"] == "UPDATE_COMPLETE"
    assert as_dict(described["Tags"]) == AFTER


def test_the_table_carries_the_new_tags_and_keeps_one_set_by_hand(deployed: Deployed) -> None:
    found = deployed.client("dynamodb").list_tags_of_resource(ResourceArn=deployed.table_arn())
    assert as_dict(found["Tags"]) == {**AFTER, "name": "mine", "added-by-hand": "yes"}


def test_a_tag_dropped_from_the_stack_leaves_the_log_group(deployed: Deployed) -> None:
    found = deployed.client("logs").list_tags_log_group(logGroupName="tag-updates")["tags"]
    assert found == {**AFTER, "name": "mine"}


def test_the_topic_carries_the_new_tags(deployed: Deployed) -> None:
    topic = deployed.physical("Topic")
    found = deployed.client("sns").list_tags_for_resource(ResourceArn=topic)["Tags"]
    assert as_dict(found) == {**AFTER, "name": "mine"}


def test_the_vpc_carries_the_new_tags(deployed: Deployed) -> None:
    vpc = deployed.physical("Network")
    found = deployed.client("ec2").describe_tags(
        Filters=[{"Name": "resource-id", "Values": [vpc]}]
    )["Tags"]
    own = {t["Key"]: t["Value"] for t in found if not t["Key"].startswith("aws:")}
    assert own == {**AFTER, "name": "mine"}


def test_the_role_carries_the_new_tags(deployed: Deployed) -> None:
    role = deployed.physical("Role")
    found = deployed.client("iam").list_role_tags(RoleName=role)["Tags"]
    assert as_dict(found) == {**AFTER, "name": "mine"}


def test_the_repository_carries_the_new_tags(deployed: Deployed) -> None:
    ecr = deployed.client("ecr")
    name = deployed.physical("Repository")
    arn = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]["repositoryArn"]
    found = ecr.list_tags_for_resource(resourceArn=arn)["tags"]
    assert as_dict(found) == {**AFTER, "name": "mine"}


def test_each_retagged_resource_reports_an_update_before_the_stack_completes(
    deployed: Deployed,
) -> None:
    events = list(reversed(deployed.cfn.describe_stack_events(StackName=STACK)["StackEvents"]))
    started = max(
        i
        for i, e in enumerate(events)
        if e["LogicalResourceId"] == STACK and e["ResourceStatus"] == "UPDATE_IN_PROGRESS"
    )
    update = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in events[started + 1 :]]
    for name in ("Table", "Logs", "Topic", "Repository", "Network", "Role"):
        assert update.index((name, "UPDATE_IN_PROGRESS")) < update.index((name, "UPDATE_COMPLETE"))
    assert update[-1] == (STACK, "UPDATE_COMPLETE")
