"""A shell in a running task of the service: ECS Exec through the Session Manager plugin.

ExecuteCommand (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommand.html)
opens a Session Manager session in one container of one task and answers its session id,
stream URL and token; the Session Manager plugin on this machine connects the terminal to it,
as `aws ecs execute-command` does. The plugin's session target is
`ecs:CLUSTER_TASK-ID_CONTAINER-RUNTIME-ID`. The plugin is not part of appstack:
`install_hint` says how to install it
(https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html).
"""

from __future__ import annotations

import json
import platform
import shutil
from dataclasses import dataclass
from typing import Any

from appstack.deploy import service_watch, stacks
from appstack.deploy.session import Connection
from appstack.errors import UsageError

PLUGIN = "session-manager-plugin"
INSTALL_GUIDE = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html"
)
_DOWNLOADS = "https://s3.amazonaws.com/session-manager-downloads/plugin/latest"


class PluginMissing(UsageError):
    """The Session Manager plugin is not installed on this machine: a usage error (exit 2),
    like a missing image builder; the message says how to install it."""


@dataclass(frozen=True)
class Session:
    cluster: str
    task: str
    container: str
    #: The container's runtime id (DescribeTasks), part of the plugin's session target.
    runtime_id: str
    #: What ExecuteCommand answered.
    answer: dict[str, Any]

    @property
    def task_id(self) -> str:
        return self.task.rsplit("/", 1)[-1]


def plugin() -> str | None:
    """Where the Session Manager plugin is (None: not installed)."""
    return shutil.which(PLUGIN)


def install_hint(system: str | None = None, machine: str | None = None) -> str:
    """How to install the Session Manager plugin on this machine, in one command."""
    system = system or platform.system()
    arm = (machine or platform.machine()).lower() in ("arm64", "aarch64")
    if system == "Darwin":
        command = "brew install --cask session-manager-plugin"
    elif system == "Linux" and shutil.which("dpkg"):
        package = f"{_DOWNLOADS}/{'ubuntu_arm64' if arm else 'ubuntu_64bit'}/{PLUGIN}.deb"
        command = f"curl -fsSLo /tmp/{PLUGIN}.deb {package} && sudo dpkg -i /tmp/{PLUGIN}.deb"
    elif system == "Linux":
        package = f"{_DOWNLOADS}/{'linux_arm64' if arm else 'linux_64bit'}/{PLUGIN}.rpm"
        command = f"sudo yum install -y {package}"
    else:
        command = f"the installer for {system} in {INSTALL_GUIDE}"
    return (
        f"the Session Manager plugin ({PLUGIN}) is not installed; appstack exec needs it to "
        f"connect to the task. Install it: {command} (see {INSTALL_GUIDE})"
    )


def require_plugin() -> str:
    found = plugin()
    if found is None:
        raise PluginMissing(install_hint())
    return found


def _running_task(ecs: Any, cluster: str, service: str, stack_name: str) -> dict[str, Any]:
    """The newest running task of the service."""
    arns = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")
    tasks = (
        ecs.describe_tasks(cluster=cluster, tasks=arns["taskArns"])["tasks"]
        if arns["taskArns"]
        else []
    )
    running = [t for t in tasks if t.get("lastStatus") == "RUNNING"]
    if not running:
        raise stacks.DeployError(
            f"{stack_name}: the service has no running task to open a shell in; see why "
            f"with: appstack logs {stack_name}, or appstack events {stack_name}"
        )
    return max(running, key=lambda t: str(t.get("startedAt", "")))


def open_session(conn: Connection, stack: dict[str, Any], container: str, command: str) -> Session:
    """Run `command` interactively in `container` of the newest running task of `stack` (as
    DescribeStacks answered it) (ExecuteCommand)."""
    stack_name = stack["StackName"]
    cluster, service = service_watch.deployed(stack)
    ecs = conn.client("ecs")
    task = _running_task(ecs, cluster, service, stack_name)
    names = [c["name"] for c in task.get("containers", [])]
    if container not in names:
        raise UsageError(
            f"--container {container}: the task has no container of that name; its containers "
            f"are {', '.join(names)}"
        )
    if not task.get("enableExecuteCommand"):
        raise UsageError(
            f"ECS Exec is off for {stack_name}'s tasks: set `exec: true` for its environment "
            "and deploy; tasks started before keep it off until a deployment replaces them"
        )
    answer = ecs.execute_command(
        cluster=cluster, task=task["taskArn"], container=container, command=command,
        interactive=True,
    )  # fmt: skip
    runtime = next(c.get("runtimeId", "") for c in task["containers"] if c["name"] == container)
    return Session(cluster, task["taskArn"], container, str(runtime or ""), answer)


def plugin_argv(found: str, session: Session, region: str, profile: str | None) -> list[str]:
    """The plugin's command line, as `aws ecs execute-command` starts it."""
    target = {"Target": f"ecs:{session.cluster}_{session.task_id}_{session.runtime_id}"}
    opened = session.answer["session"]
    parameters = {
        "SessionId": opened["sessionId"],
        "StreamUrl": opened["streamUrl"],
        "TokenValue": opened["tokenValue"],
        "target": target["Target"],
    }
    return [
        found, json.dumps(parameters), region, "StartSession", profile or "",
        json.dumps(target), f"https://ssm.{region}.amazonaws.com",
    ]  # fmt: skip
