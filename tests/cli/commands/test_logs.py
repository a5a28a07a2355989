"""`appstack logs`: the service's containers' lines put into its log groups, interleaved in
time; `--follow` prints the lines put after it started (polling FilterLogEvents on the
emulator, which has no Live Tail endpoint)."""

from __future__ import annotations

import _thread
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from cli_runner import run
from conftest import remove_stack
from test_cli_json import matches_schema

REGION = "mx-central-1"  # VPCs of its own: preflight counts the Region's VPCs
STACK = "myapp-dev"


@pytest.fixture(scope="module")
def deployed(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any, str, list[str]]]:
    """The stack deployed once for the module: its config, a logs client, the app's log
    group, and two stream names of the app container (two tasks)."""
    config = tmp_path_factory.mktemp("logs") / "appstack.yaml"
    config.write_text(f"region: {REGION}\n")
    from appstack.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", str(config)])
        raise SystemExit(0)
    assert ended.value.code in (0, None)
    where = {"region_name": REGION, "endpoint_url": emulator_endpoint}
    cfn, ecs = boto3.client("cloudformation", **where), boto3.client("ecs", **where)
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    }
    [service] = ecs.describe_services(
        cluster=outputs["ClusterName"], services=[outputs["ServiceName"]]
    )["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    [app] = definition["taskDefinition"]["containerDefinitions"]
    group = app["logConfiguration"]["options"]["awslogs-group"]
    logs = boto3.client("logs", **where)
    streams = ["app/app/1111aaaa2222bbbb", "app/app/3333cccc4444dddd"]
    for stream in streams:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    yield str(config), logs, group, streams
    remove_stack(cfn, STACK)


def put(logs: Any, group: str, stream: str, message: str, at_ms: int | None = None) -> None:
    at_ms = at_ms or int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": at_ms, "message": message}],
    )


def test_lines_of_every_task_are_printed_interleaved_in_time(
    deployed: tuple[str, Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, logs, group, (one, two) = deployed
    now = int(time.time() * 1000)
    put(logs, group, one, "first line", now - 3000)
    put(logs, group, two, "second line", now - 2000)
    put(logs, group, one, "third line", now - 1000)
    code, out, err = run(["logs", STACK, "-c", config, "--since", "1m"], capsys)
    assert code == 0, err
    assert out.index("first line") < out.index("second line") < out.index("third line")
    assert "app/1111aaaa first line" in out and "app/3333cccc second line" in out


def test_filter_keeps_the_lines_holding_the_text_and_json_matches_its_schema(
    deployed: tuple[str, Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, logs, group, (one, _) = deployed
    put(logs, group, one, "request took 12 ms")
    put(logs, group, one, "nothing to see")
    code, out, err = run(
        ["logs", STACK, "-c", config, "--filter", "took 12", "--output", "json"], capsys
    )
    assert code == 0, err
    document = json.loads(out)
    matches_schema(document, "logs")
    assert [line["message"] for line in document["lines"]] == ["request took 12 ms"]
    assert document["lines"][0]["container"] == "app"


def test_an_unknown_container_is_refused_naming_the_containers(
    deployed: tuple[str, Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, *_ = deployed
    code, _, err = run(["logs", STACK, "-c", config, "--container", "db"], capsys)
    assert code == 2 and "its containers are app" in err


def test_follow_prints_the_lines_put_after_it_started(
    deployed: tuple[str, Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, logs, group, (_, two) = deployed

    def later() -> None:
        time.sleep(1.5)
        put(logs, group, two, "a line put while following")
        time.sleep(3.5)  # a poll or two
        _thread.interrupt_main()  # Ctrl-C: how following ends

    writer = threading.Thread(target=later, daemon=True)
    writer.start()
    started = time.monotonic()
    code, out, err = run(["logs", STACK, "-c", config, "--follow", "--since", "1s"], capsys)
    writer.join()
    assert code == 0, err
    assert "app/3333cccc a line put while following" in out
    assert time.monotonic() - started < 30


def test_follow_cannot_answer_in_json(
    deployed: tuple[str, Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, *_ = deployed
    code, _, err = run(["logs", STACK, "-c", config, "-f", "--output", "json"], capsys)
    assert code == 2 and "pass one or the other" in err
