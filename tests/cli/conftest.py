"""Set-up shared by the command tests: a stack name and a config of each test's own, and a
small stack made straight through CloudFormation for the commands that read one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from cli_runner import run, write_config
from conftest import remove_stack

#: A Region of the readers' own (status, outputs, events, watch): their stacks hold no VPC,
#: and nothing else deploys there.
READERS_REGION = "eu-north-1"

#: One SNS topic, its ARN an output: quick to create, and it has events and outputs to read.
ONE_TOPIC = {
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
}


@pytest.fixture
def stack(tmp_path: Path) -> str:
    """A stack name of this test's own."""
    return f"cli{tmp_path.name[-6:].replace('_', '')}-dev"


@pytest.fixture
def config_file(tmp_path: Path, emulator_endpoint: str) -> str:
    return write_config(tmp_path)


@pytest.fixture(scope="module")
def topic_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    emulator_endpoint: str,
) -> Iterator[tuple[str, str]]:
    """A stack of ONE_TOPIC, created once per module straight through CloudFormation (named
    after the module), and a config in its Region: (stack name, config path)."""
    name = "topic-" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    config = write_config(tmp_path_factory.mktemp("topic"), region=READERS_REGION)
    cfn = boto3.client("cloudformation", region_name=READERS_REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(ONE_TOPIC))
    cfn.get_waiter("stack_create_complete").wait(
        StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )
    yield name, config
    remove_stack(cfn, name)


@pytest.fixture
def read(topic_stack: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """`read(COMMAND, *options)`: what COMMAND prints on stdout about `topic_stack`, once it
    has exited 0."""
    name, config = topic_stack

    def run_on_topic_stack(command: str, *options: str) -> str:
        code, out, err = run([command, name, "-c", config, *options], capsys)
        assert code == 0, err
        return out

    return run_on_topic_stack
