"""EM424: ExecuteCommand opens a session in a running task's container, as ECS does
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommand.html), and
refuses what ECS refuses (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.test_em420_service_deployments import PUBLIC, template

REGION = "ca-west-1"


@pytest.fixture(scope="module")
def ecs(emulator_endpoint: str) -> Any:
    return boto3.client("ecs", region_name=REGION, endpoint_url=emulator_endpoint)


def running_task(emulator_endpoint: str, name: str, enabled: bool) -> tuple[str, str]:
    """A stack's service with one task: its cluster and the task's ARN."""
    where = {"region_name": REGION, "endpoint_url": emulator_endpoint}
    cfn, ecs = boto3.client("cloudformation", **where), boto3.client("ecs", **where)
    body = template(PUBLIC, count=1)
    body["Resources"]["Service"]["Properties"]["EnableExecuteCommand"] = enabled
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(body))
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    }
    [task] = ecs.list_tasks(cluster=outputs["Cluster"], serviceName=outputs["Service"])["taskArns"]
    return outputs["Cluster"], task


def test_execute_command_answers_with_the_cluster_task_container_and_session(
    emulator_endpoint: str, ecs: Any
) -> None:
    cluster, task = running_task(emulator_endpoint, "em424-on", True)
    answer = ecs.execute_command(
        cluster=cluster, task=task, container="sidecar", command="/bin/sh", interactive=True
    )
    assert answer["clusterArn"].endswith(f":cluster/{cluster}")
    assert answer["taskArn"] == task and answer["containerName"] == "sidecar"
    assert answer["session"]["sessionId"] and answer["session"]["streamUrl"].startswith("wss://")


def test_execute_command_needs_a_container_name_when_the_task_has_several(
    emulator_endpoint: str, ecs: Any
) -> None:
    cluster, task = running_task(emulator_endpoint, "em424-which", True)
    with pytest.raises(ClientError, match="container name must be specified"):
        ecs.execute_command(cluster=cluster, task=task, command="sh", interactive=True)
    with pytest.raises(ClientError, match="does not exist"):
        ecs.execute_command(
            cluster=cluster, task=task, container="nope", command="sh", interactive=True
        )


def test_execute_command_is_refused_where_exec_was_not_enabled(
    emulator_endpoint: str, ecs: Any
) -> None:
    cluster, task = running_task(emulator_endpoint, "em424-off", False)
    with pytest.raises(ClientError, match="execute command was not enabled"):
        ecs.execute_command(
            cluster=cluster, task=task, container="app", command="sh", interactive=True
        )


def test_only_interactive_sessions_are_offered(emulator_endpoint: str, ecs: Any) -> None:
    cluster, task = running_task(emulator_endpoint, "em424-batch", True)
    with pytest.raises(ClientError, match="Interactive is the only mode"):
        ecs.execute_command(
            cluster=cluster, task=task, container="app", command="sh", interactive=False
        )
