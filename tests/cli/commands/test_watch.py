"""`appstack watch`: re-attach to a stack's operation, and say how it ended."""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3
import pytest

from cli.conftest import ONE_TOPIC, READERS_REGION
from cli_runner import run


def test_watching_a_stack_whose_operation_ended_answers_its_status(
    topic_stack: tuple[str, str], read: Callable[..., str]
) -> None:
    answer = json.loads(read("watch", "--output", "json"))
    assert answer == {"stack": topic_stack[0], "status": "CREATE_COMPLETE"}


def test_a_stack_that_holds_only_a_change_set_is_not_watched(
    topic_stack: tuple[str, str], emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CREATE change set that never ran leaves the stack in REVIEW_IN_PROGRESS
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html)."""
    _, config = topic_stack
    cfn = boto3.client("cloudformation", region_name=READERS_REGION, endpoint_url=emulator_endpoint)
    cfn.create_change_set(
        StackName="topic-under-review",
        ChangeSetName="never-run",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(ONE_TOPIC),
    )
    code, _, err = run(["watch", "topic-under-review", "-c", config], capsys)
    assert code == 1 and "REVIEW_IN_PROGRESS" in err and "not deployed" in err
