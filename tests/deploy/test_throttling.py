"""Throttling: AWS answers `Throttling` "Rate exceeded" (HTTP 400) above the account's API rate
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html). The
clients retry adaptively (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html),
a throttled poll is "not yet", and a throttled deploy still ends protected."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from appstack.deploy.waiting import poll
from deploy.deploying import RETAINED_TABLE, deploy, on_emulator
from emulator.control import throttled

RATE_EXCEEDED = {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}


def test_every_client_retries_adaptively() -> None:
    conn = Connection("us-east-1", endpoint="http://127.0.0.1:1")
    for service in ("cloudformation", "s3", "sts"):
        retries = conn.client(service).meta.config.retries
        assert retries["mode"] == "adaptive" and retries["total_max_attempts"] >= 5


def test_a_throttled_poll_counts_as_not_yet() -> None:
    answers: list[Any] = [ClientError(RATE_EXCEEDED, "DescribeStacks"), None, "done"]

    def check() -> str | None:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]

    assert poll(check, sleep=lambda _: None) == "done"


def test_a_poll_that_fails_for_another_reason_stops() -> None:
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DescribeStacks")

    def check() -> None:
        raise denied

    with pytest.raises(ClientError, match="AccessDenied"):
        poll(check, sleep=lambda _: None)


class ThrottledCloudFormation:
    """DescribeStacks throttled `times` times past the client's own retries, then complete."""

    def __init__(self, times: int) -> None:
        self.times = times

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        if self.times:
            self.times -= 1
            raise ClientError(RATE_EXCEEDED, "DescribeStacks")
        return {"Stacks": [{"StackName": StackName, "StackStatus": "UPDATE_COMPLETE"}]}

    def describe_stack_events(self, StackName: str) -> dict[str, Any]:
        return {"StackEvents": []}

    def get_paginator(self, name: str) -> Any:
        event = {
            "EventId": "e1",
            "Timestamp": datetime.now(UTC),
            "ResourceStatus": "UPDATE_COMPLETE",
            "ClientRequestToken": "t",
        }

        class Pages:
            def paginate(self, **_: Any) -> list[dict[str, Any]]:
                return [{"StackEvents": [event]}]

        return Pages()


def test_following_an_operation_survives_throttled_status_polls() -> None:
    final, seen = stacks.follow(ThrottledCloudFormation(times=3), "s")
    assert final["StackStatus"] == "UPDATE_COMPLETE" and [e.id for e in seen] == ["e1"]


@pytest.fixture(scope="module")
def protected_under_throttling(emulator_endpoint: str) -> tuple[Connection, stacks.Outcome]:
    """A production create while 30 % of the describe calls are throttled (seed 17)."""
    conn = on_emulator(emulator_endpoint)
    actions = ["DescribeStacks", "DescribeStackEvents", "DescribeChangeSet"]
    with throttled(emulator_endpoint, actions, 0.3, seed=17) as state:
        outcome = deploy(conn, "throttled", RETAINED_TABLE, production=True)
    assert sum(state["throttled"].values()) > 0  # the deploy did meet throttling
    return conn, outcome


def test_a_throttled_deploy_succeeds(
    protected_under_throttling: tuple[Connection, stacks.Outcome],
) -> None:
    _, outcome = protected_under_throttling
    assert outcome.ok and outcome.status == "CREATE_COMPLETE"


def test_a_throttled_deploy_leaves_its_stack_policy(
    protected_under_throttling: tuple[Connection, stacks.Outcome],
) -> None:
    conn, _ = protected_under_throttling
    policy = conn.client("cloudformation").get_stack_policy(StackName="throttled")
    assert "LogicalResourceId/Data" in policy["StackPolicyBody"]


def test_a_throttled_production_deploy_leaves_termination_protection(
    protected_under_throttling: tuple[Connection, stacks.Outcome],
) -> None:
    conn, _ = protected_under_throttling
    [stack] = conn.client("cloudformation").describe_stacks(StackName="throttled")["Stacks"]
    assert stack["EnableTerminationProtection"] is True


def test_several_deploys_in_one_account_pass_while_throttled(emulator_endpoint: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}

    def deploy_beside(name: str) -> stacks.Outcome:
        return deploy(on_emulator(emulator_endpoint), name, template)  # a deploy's own clients

    actions = ["DescribeStacks", "DescribeStackEvents", "DescribeChangeSet"]
    with throttled(emulator_endpoint, actions, 0.3, seed=5), ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(deploy_beside, ["beside-1", "beside-2", "beside-3"]))
    assert [o.status for o in outcomes] == ["CREATE_COMPLETE"] * 3
