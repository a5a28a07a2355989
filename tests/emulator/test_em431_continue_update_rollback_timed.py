"""EM431 with a time scale (EM207): ContinueUpdateRollback answers at once, the stack is
UPDATE_ROLLBACK_IN_PROGRESS while the resources are put back, then UPDATE_ROLLBACK_COMPLETE.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
(an operation on the stack, followed through its status and events like any other:
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from emulator._lifecycle import physical_id, topic, unique
from emulator._rollback_failed import queue
from emulator.own_emulator import emulator

REGION = "us-east-2"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with emulator(APPSTACK_TIME_SCALE="0.2") as url:
        yield url


def status(cfn: Any, name: str) -> str:
    return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])


def settled(cfn: Any, name: str) -> str:
    deadline = time.monotonic() + 60
    while (current := status(cfn, name)).endswith("_IN_PROGRESS"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return current


def change(cfn: Any, stack: str, timeout: int, kind: str) -> str:
    name = unique("cs")
    template = {"Resources": {"Topic": topic(), "Queue": queue(timeout)}}
    cfn.create_change_set(
        StackName=stack, ChangeSetName=name, ChangeSetType=kind, TemplateBody=json.dumps(template)
    )
    while cfn.describe_change_set(StackName=stack, ChangeSetName=name)["Status"] != (
        "CREATE_COMPLETE"
    ):
        time.sleep(0.05)
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    return settled(cfn, stack)


def test_a_continued_rollback_runs_after_its_request_and_completes(endpoint: str) -> None:
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
    stack = unique("timed")
    assert change(cfn, stack, 30, "CREATE") == "CREATE_COMPLETE"
    url = physical_id(cfn, stack, "Queue")
    sqs.delete_queue(QueueUrl=url)
    assert change(cfn, stack, 60, "UPDATE") == "UPDATE_ROLLBACK_FAILED"
    sqs.create_queue(QueueName=url.rsplit("/", 1)[-1])  # the owner's fix
    cfn.continue_update_rollback(StackName=stack, ClientRequestToken="timed-1")
    assert status(cfn, stack) == "UPDATE_ROLLBACK_IN_PROGRESS"
    assert settled(cfn, stack) == "UPDATE_ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    mine = [e for e in events if e.get("ClientRequestToken") == "timed-1"]
    assert {"Queue"} <= {e["LogicalResourceId"] for e in mine}
