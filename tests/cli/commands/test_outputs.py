"""`appstack outputs`: a stack's outputs, as a table and in JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3

from cli.conftest import READERS_REGION


def test_outputs_are_the_stacks_outputs_by_name(
    topic_stack: tuple[str, str], emulator_endpoint: str, read: Callable[..., str]
) -> None:
    name, _ = topic_stack
    sns = boto3.client("sns", region_name=READERS_REGION, endpoint_url=emulator_endpoint)
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if name in t["TopicArn"]]
    assert json.loads(read("outputs", "--output", "json")) == {
        "stack": name,
        "outputs": {"TopicArn": topic},
    }
    out = read("outputs")
    assert "TopicArn" in out and topic in out.replace("\n", "")
