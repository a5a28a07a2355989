"""A deploy follows the ECS service too: a task that cannot start is shown as it stops, and
its stop reason, not CloudFormation's "ECS Deployment Circuit Breaker was triggered", is the
root cause (stopped task errors:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from appstack import local
from appstack.deploy import events, service_watch, stacks
from appstack.deploy.session import Connection
from appstack.deploy.waiting import TimedOut
from cli_runner import run
from conftest import remove_stack, synth

REGION = "ap-southeast-7"  # VPCs of its own: preflight counts the Region's VPCs
STACK = "follow-dev"
MISSING = "123456789012.dkr.ecr.ap-southeast-7.amazonaws.com/never-pushed:1"


@pytest.fixture(scope="module")
def conn(emulator_endpoint: str) -> Connection:
    return local.connect(REGION, emulator_endpoint)


def deploy(
    conn: Connection, data: dict[str, Any], seen: list[events.Event] | None = None
) -> stacks.Outcome:
    template, _ = conn.prepare(synth({"region": REGION, **data}, env="dev", phase=1))
    change_set, _ = stacks.plan(conn, STACK, stacks.current(conn, STACK), template)
    on_event = seen.append if seen is not None else None
    return stacks.apply(conn, change_set, template, False, on_event)


@pytest.fixture(scope="module")
def deployed(conn: Connection) -> Iterator[stacks.Outcome]:
    outcome = deploy(conn, {})
    assert outcome.ok, outcome.failure
    yield outcome
    remove_stack(conn.client("cloudformation"), STACK)


def test_a_deploy_whose_tasks_stop_ends_with_the_tasks_stop_reason_as_its_root_cause(
    conn: Connection, deployed: stacks.Outcome
) -> None:
    seen: list[events.Event] = []
    outcome = deploy(conn, {"image": MISSING}, seen)
    assert outcome.status == "UPDATE_ROLLBACK_COMPLETE"
    assert outcome.failure is not None and outcome.failure.logical_id == "Service"
    assert outcome.failure.reason.startswith("task ")
    assert "stopped: CannotPullContainerError: pull image manifest" in outcome.failure.reason
    assert MISSING in outcome.failure.reason
    # Shown as they happened, beside the stack's events.
    stopped = [e for e in seen if e.status == service_watch.TASK_STOPPED]
    assert len(stopped) == 3 and all("CannotPullContainerError" in e.reason for e in stopped)
    assert any(
        e.status == service_watch.SERVICE_EVENT and "failed to start" in e.reason for e in seen
    )


def test_the_command_line_names_the_stop_reason_as_the_root_cause(
    deployed: stacks.Outcome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "appstack.yaml"
    config.write_text(f"region: {REGION}\nimage: {MISSING}\n")
    argv = ["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", str(config)]
    code, out, err = run(argv, capsys)
    assert code == 1
    said = " ".join((out + err).split())
    assert "root cause: Service (AWS::ECS::Service): task " in said
    assert "CannotPullContainerError" in said.split("root cause:")[1]


@pytest.mark.parametrize(
    ("task", "cause"),
    [
        (
            {
                "taskArn": "arn:aws:ecs:eu-west-1:1:task/c/abc",
                "stoppedReason": "Essential container in task exited",
                "stopCode": "EssentialContainerExited",
                "containers": [{"name": "app", "exitCode": 1}, {"name": "xray", "exitCode": 0}],
            },
            "task abc stopped: Essential container in task exited (app exited with code 1)",
        ),
        (
            {
                "taskArn": "arn:aws:ecs:eu-west-1:1:task/c/def",
                "stoppedReason": "Task failed ELB health checks in (target-group arn:tg)",
                "stopCode": "ServiceSchedulerInitiated",
                "containers": [{"name": "app", "exitCode": 137}],
            },
            "task def stopped: Task failed ELB health checks in (target-group arn:tg) "
            "(app exited with code 137)",
        ),
    ],
)
def test_a_stopped_task_says_what_its_containers_add_to_its_reason(
    task: dict[str, Any], cause: str
) -> None:
    assert service_watch.stopped_task(task).cause == cause


def test_a_task_a_newer_deployment_replaced_is_no_failure() -> None:
    task = {"taskArn": "t/x", "stoppedReason": "Scaling activity initiated by (deployment x)"}
    assert not service_watch.stopped_task(task).failed


class _Running:
    """CloudFormation answering that the stack's operation is still running."""

    meta = type("Meta", (), {"region_name": REGION})

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        return {"Stacks": [{"StackName": StackName, "StackStatus": "UPDATE_IN_PROGRESS"}]}

    def describe_stack_events(self, StackName: str) -> dict[str, Any]:
        event = {"EventId": "1", "Timestamp": datetime.now(UTC), "ClientRequestToken": "t"}
        return {"StackEvents": [event]}

    def get_paginator(self, name: str) -> Any:
        client = self

        class Pages:
            def paginate(self, **kw: Any) -> list[dict[str, Any]]:
                return [client.describe_stack_events(kw["StackName"])]

        return Pages()


def test_the_wait_ends_at_the_timeout_and_says_the_operation_goes_on() -> None:
    with pytest.raises(TimedOut) as raised:
        stacks.follow(_Running(), "slow-dev", token="t", timeout=0.5)
    assert raised.value.exit_code == 124
    assert "goes on in CloudFormation" in str(raised.value)
    assert "appstack watch slow-dev" in str(raised.value)


def test_the_progress_of_an_operation_that_timed_out_is_left_where_it_got(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from appstack import render

    with pytest.raises(TimedOut), render.Progress(10, "slow-dev") as progress:
        progress.event(events.Event("1", datetime.now(UTC), "Table", "T", "CREATE_COMPLETE", ""))
        raise TimedOut("slow-dev", 1)
    err = capsys.readouterr().err
    assert "1/10" in err and "10/10" not in err
