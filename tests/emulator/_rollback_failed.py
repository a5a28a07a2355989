"""Stacks stuck in UPDATE_ROLLBACK_FAILED, made as AWS makes them: the resource an update and
then its rollback must change was deleted outside CloudFormation, so neither can reach it
("you might have a stack that's rolling back to an old database instance that was deleted
outside of CloudFormation",
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html).
Shared by the tests of EM430-EM432 and of `appstack recover`."""

from __future__ import annotations

from typing import Any

from emulator._lifecycle import client, deploy, physical_id, table, topic


def queue(timeout: int) -> dict[str, Any]:
    """An SQS queue: a resource that holds no data in appstack's stateful table."""
    return {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": timeout}}


def stuck_on_queue(cfn: Any, endpoint: str, stack: str) -> str:
    """`stack` left UPDATE_ROLLBACK_FAILED by its queue (deleted outside CloudFormation); the
    status the failed update ended in."""
    region = cfn.meta.region_name
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Queue": queue(30)}})
    client("sqs", endpoint, region).delete_queue(QueueUrl=physical_id(cfn, stack, "Queue"))
    return deploy(cfn, stack, {"Resources": {"Topic": topic(), "Queue": queue(60)}})


def on_demand(stream: bool) -> dict[str, Any]:
    extra = {"StreamSpecification": {"StreamViewType": "KEYS_ONLY"}} if stream else {}
    return table(DeletionProtectionEnabled=stream, **extra)


def stuck_on_table(cfn: Any, endpoint: str, stack: str) -> str:
    """`stack` left UPDATE_ROLLBACK_FAILED by its DynamoDB table (deleted outside
    CloudFormation); the status the failed update ended in."""
    region = cfn.meta.region_name
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": on_demand(False)}})
    client("dynamodb", endpoint, region).delete_table(TableName=physical_id(cfn, stack, "Table"))
    return deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": on_demand(True)}})


def restore_table(cfn: Any, endpoint: str, stack: str) -> None:
    """The table made again by hand, under its name (what an owner does before retrying)."""
    client("dynamodb", endpoint, cfn.meta.region_name).create_table(
        TableName=physical_id(cfn, stack, "Table"),
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
