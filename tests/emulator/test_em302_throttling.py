"""EM302: chosen actions answer Throttling "Rate exceeded" with HTTP 400, deterministic by seed
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from appstack.local.fidelity.em302_throttling import parse
from emulator.control import throttled

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def answers(cfn: Any, calls: int) -> list[str]:
    result = []
    for _ in range(calls):
        try:
            cfn.describe_stacks()
            result.append("ok")
        except ClientError as exc:
            error = exc.response["Error"]
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            result.append(f"{error['Code']} {error['Message']} {status}")
    return result


def test_a_throttled_action_answers_rate_exceeded_with_http_400(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint, config=NO_RETRIES)
    with throttled(emulator_endpoint, ["DescribeStacks"], 1.0):
        assert answers(cfn, 2) == ["Throttling Rate exceeded 400"] * 2
    assert answers(cfn, 1) == ["ok"]


def test_the_same_seed_throttles_the_same_calls(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint, config=NO_RETRIES)
    runs = []
    for _ in range(2):
        with throttled(emulator_endpoint, ["DescribeStacks"], 0.3, seed=7) as state:
            runs.append(answers(cfn, 40))
        assert state["throttled"]["DescribeStacks"] == runs[-1].count(
            "Throttling Rate exceeded 400"
        )
    assert runs[0] == runs[1]
    assert 4 <= runs[0].count("ok") <= 36  # a fraction, neither none nor all


def test_actions_not_chosen_are_never_throttled(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint, config=NO_RETRIES)
    with throttled(emulator_endpoint, ["DescribeStackEvents"], 1.0):
        assert answers(cfn, 3) == ["ok"] * 3


def test_the_environment_variable_names_actions_rate_and_seed() -> None:
    assert parse("DescribeStacks,DescribeChangeSet:0.3:7") == (
        ["DescribeStacks", "DescribeChangeSet"],
        0.3,
        7,
    )
    with pytest.raises(ValueError, match="ACTION"):
        parse("DescribeStacks")


def test_a_burst_ends_after_its_limit(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint, config=NO_RETRIES)
    with throttled(emulator_endpoint, ["DescribeStacks"], 1.0, limit=2) as state:
        assert answers(cfn, 3) == ["Throttling Rate exceeded 400"] * 2 + ["ok"]
    assert state["throttled"] == {"DescribeStacks": 2}
