"""EM471: executing a change set with new stack tags retags the stack and each resource that
takes tags, through the resource's own service (a tag dropped from the stack is removed, one
set outside CloudFormation stays), with an update event per retagged resource.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from emulator._lifecycle import service_role, table

REGION = "ap-northeast-1"  # shared with EM470's and EM472's tests; the one VPC made there
STACK = "tag-updates"
BEFORE = {"team": "web", "cost-center": "1001"}
AFTER = {"team": "shop", "owner": "ops"}  # team changed, cost-center dropped, owner added
TAGS = [{"Key": "name", "Value": "mine"}]  # what each resource's template sets itself
TEMPLATE = json.dumps(
    {
        "Resources": {
            "Table": table(Tags=TAGS),
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
            "Role": service_role("ecs-tasks.amazonaws.com", Tags=TAGS),
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


def topic_tags(stack: Deployed) -> list[dict[str, str]]:
    topic = stack.physical("Topic")
    found: list[dict[str, str]] = stack.client("sns").list_tags_for_resource(ResourceArn=topic)[
        "Tags"
    ]
    return found


def vpc_tags(stack: Deployed) -> list[dict[str, str]]:
    vpc = stack.physical("Network")
    found = stack.client("ec2").describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])
    return [t for t in found["Tags"] if not t["Key"].startswith("aws:")]


def role_tags(stack: Deployed) -> list[dict[str, str]]:
    found: list[dict[str, str]] = stack.client("iam").list_role_tags(
        RoleName=stack.physical("Role")
    )["Tags"]
    return found


def repository_tags(stack: Deployed) -> list[dict[str, str]]:
    ecr = stack.client("ecr")
    name = stack.physical("Repository")
    arn = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]["repositoryArn"]
    found: list[dict[str, str]] = ecr.list_tags_for_resource(resourceArn=arn)["tags"]
    return found


@pytest.mark.parametrize("read", [topic_tags, vpc_tags, role_tags, repository_tags])
def test_each_resource_carries_the_new_tags_as_its_service_reads_them(
    deployed: Deployed, read: Callable[[Deployed], list[dict[str, str]]]
) -> None:
    assert as_dict(read(deployed)) == {**AFTER, "name": "mine"}


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


#: A stack of one table that takes tags.
ONE_TABLE = json.dumps({"Resources": {"Table": table(Tags=TAGS)}})


def run_change_set(cfn: Any, stack: str, resources: dict[str, Any], tags: dict[str, str]) -> str:
    """Execute an UPDATE change set of `stack` to `resources` with `tags`; its status."""
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="next",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps({"Resources": resources}),
        Tags=as_list(tags),
    )
    cfn.execute_change_set(StackName=stack, ChangeSetName="next")
    return str(cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])


def table_tags(cfn: Any, dynamodb: Any, stack: str) -> dict[str, str]:
    found = cfn.describe_stack_resource(StackName=stack, LogicalResourceId="Table")
    name = found["StackResourceDetail"]["PhysicalResourceId"]
    arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    return as_dict(dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"])


def test_a_template_change_with_new_tags_updates_the_resource_once_and_retags_it(
    emulator_endpoint: str,
) -> None:
    stack = Deployed(emulator_endpoint)
    cfn, dynamodb = stack.cfn, stack.client("dynamodb")
    cfn.create_stack(StackName="tags-and-template", TemplateBody=ONE_TABLE, Tags=as_list(BEFORE))
    changed = {"Table": table(Tags=TAGS, DeletionProtectionEnabled=False)}
    assert run_change_set(cfn, "tags-and-template", changed, AFTER) == "UPDATE_COMPLETE"
    assert table_tags(cfn, dynamodb, "tags-and-template") == {**AFTER, "name": "mine"}
    events = cfn.describe_stack_events(StackName="tags-and-template")["StackEvents"]
    table_events = [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Table"]
    assert table_events.count("UPDATE_IN_PROGRESS") == 1


def test_a_failed_update_with_new_tags_keeps_the_old_ones(emulator_endpoint: str) -> None:
    stack = Deployed(emulator_endpoint)
    cfn, dynamodb = stack.cfn, stack.client("dynamodb")
    cfn.create_stack(StackName="tags-rolled-back", TemplateBody=ONE_TABLE, Tags=as_list(BEFORE))
    missing_topic = f"arn:aws:sns:{REGION}:123456789012:no-such-topic"
    failing = {
        "Table": table(Tags=TAGS),
        "Subscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": missing_topic, "Protocol": "email", "Endpoint": "a@b.c"},
        },
    }
    assert run_change_set(cfn, "tags-rolled-back", failing, AFTER) == "UPDATE_ROLLBACK_COMPLETE"
    described = cfn.describe_stacks(StackName="tags-rolled-back")["Stacks"][0]
    assert as_dict(described["Tags"]) == BEFORE
    assert table_tags(cfn, dynamodb, "tags-rolled-back") == {**BEFORE, "name": "mine"}
