"""`appstack exec`: ECS Exec in a running task of the service. On the emulator (EM424)
ExecuteCommand answers for the service's cluster, its running task and the container asked
for, and the Session Manager plugin is started with that session; the plugin here is a
stand-in that records how it was started. Without the plugin, the command says how to
install it (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from appstack.deploy import shell
from cli_runner import run
from conftest import remove_stack
from test_cli_json import matches_schema

REGION = "ap-east-2"  # VPCs of its own: preflight counts the Region's VPCs
STACK = "myapp-dev"


@pytest.fixture(scope="module")
def deployed(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str], Any]]:
    """The dev stack (exec on by default) deployed once for the module: its config, its
    outputs and an ECS client."""
    from appstack.cli import main

    config = tmp_path_factory.mktemp("exec") / "appstack.yaml"
    config.write_text(f"region: {REGION}\n")
    main(["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", str(config)])
    where = {"region_name": REGION, "endpoint_url": emulator_endpoint}
    cfn = boto3.client("cloudformation", **where)
    [stack] = cfn.describe_stacks(StackName=STACK)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    yield str(config), outputs, boto3.client("ecs", **where)
    remove_stack(cfn, STACK)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in Session Manager plugin on PATH that writes its arguments, one a line."""
    folder = tmp_path / "bin"
    folder.mkdir()
    recorded = tmp_path / "plugin-args"
    script = folder / shell.PLUGIN
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {recorded}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return recorded


def test_exec_opens_a_session_in_the_container_of_a_running_task_of_the_service(
    deployed: tuple[str, dict[str, str], Any], plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, outputs, ecs = deployed
    argv = ["exec", STACK, "-c", config, "--output", "json", "--", "ls", "-la"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "exec")
    cluster, service = outputs["ClusterName"], outputs["ServiceName"]
    running = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    assert answer["cluster"] == cluster and answer["task"] in running
    assert answer["container"] == "app"
    # The plugin was handed the session ExecuteCommand opened, for that task's container.
    args = plugin.read_text().splitlines()
    assert args[1:3] == [REGION, "StartSession"]
    task_id = answer["task"].rsplit("/", 1)[-1]
    assert json.loads(args[4])["Target"].startswith(f"ecs:{cluster}_{task_id}_")
    assert json.loads(args[0])["SessionId"] == answer["session_id"]


def test_exec_refuses_a_container_the_task_does_not_have(
    deployed: tuple[str, dict[str, str], Any], plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, *_ = deployed
    code, _, err = run(["exec", STACK, "-c", config, "--container", "db"], capsys)
    assert code == 2 and "its containers are app" in err


def test_without_the_plugin_exec_says_how_to_install_it(
    deployed: tuple[str, dict[str, str], Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config, *_ = deployed
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = run(["exec", STACK, "-c", config], capsys)
    said = " ".join(err.split())
    assert code == 2
    assert "session-manager-plugin) is not installed" in said and "Install it:" in said
