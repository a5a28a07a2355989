"""EM424: ExecuteCommand opens a session in a running task's container.

moto 5.2.5 has no ExecuteCommand (it answers 500). AWS answers with the cluster, task and
container the session runs in and the Session Manager session to connect to; it refuses a
non-interactive command, a task not RUNNING, a task started without execute command
enabled, and a container the task does not have.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

#: What ECS answers for a task started without execute command (or whose agent is not up).
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was "
    "run or the execute command agent isn't running. Wait and try again or run a new task "
    "with execute command enabled and try again."
)


def execute_command(
    backend: Any, cluster: str, task_id: str, container: str | None, interactive: bool
) -> dict[str, Any]:
    """The answer of ExecuteCommand, or the error ECS raises."""
    from moto.ecs.exceptions import InvalidParameterException
    from moto.moto_api._internal import mock_random

    if not interactive:
        raise InvalidParameterException("Interactive is the only mode supported currently.")
    found = backend._get_cluster(cluster)
    tasks = backend.tasks.get(found.name, {})
    task = next((t for arn, t in tasks.items() if arn == task_id or t.id == task_id), None)
    if task is None:
        raise InvalidParameterException(f"The task {task_id} could not be found.")
    if task.last_status != "RUNNING":
        raise InvalidParameterException(
            f"The execute command failed because the task {task.id} is not RUNNING."
        )
    if not getattr(task, "enable_execute_command", False):
        raise InvalidParameterException(NOT_ENABLED)
    containers = list(task.containers)
    if container is None and len(containers) > 1:
        raise InvalidParameterException(
            "The container name must be specified for tasks with more than one container."
        )
    chosen = next((c for c in containers if container in (None, c.name)), None)
    if chosen is None:
        raise InvalidParameterException(
            f"The container {container} does not exist in the task {task.id}."
        )
    session = f"ecs-execute-command-{mock_random.get_random_hex(17)}"
    return {
        "clusterArn": found.arn,
        "containerArn": chosen.container_arn,
        "containerName": chosen.name,
        "interactive": True,
        "taskArn": task.task_arn,
        "session": {
            "sessionId": session,
            "streamUrl": (
                f"wss://ssmmessages.{backend.region_name}.amazonaws.com/v1/data-channel/"
                f"{session}?role=publish_subscribe"
            ),
            "tokenValue": mock_random.get_random_hex(64),
        },
    }


@rule(
    "EM424",
    "ExecuteCommand opens a session in a running task's container, if exec was enabled",
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommand.html",
)
def execute_command_answers() -> None:
    """ExecuteCommand: "Runs a command remotely on a container within a task"; the answer
    names clusterArn, taskArn, containerName and the session. Exec works on tasks of a
    service with enableExecuteCommand
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html)."""
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def respond(self: Any) -> Any:
        return ActionResult(
            execute_command(
                self.ecs_backend,
                self._get_param("cluster", "default"),
                self._get_param("task"),
                self._get_param("container"),
                bool(self._get_param("interactive")),
            )
        )

    setattr(EC2ContainerServiceResponse, "execute_command", respond)  # noqa: B010
