"""ECS Exec through the Session Manager plugin: how the plugin is started, how to install it
(https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appstack.deploy import shell
from appstack.errors import UsageError

SESSION = shell.Session(
    "cluster-1",
    "arn:aws:ecs:eu-west-1:1:task/cluster-1/abc123",
    "app",
    "abc123-0",
    {"session": {"sessionId": "s-1", "streamUrl": "wss://x", "tokenValue": "t"}},
)


def test_the_plugin_is_started_as_the_aws_cli_starts_it() -> None:
    argv = shell.plugin_argv("/bin/plugin", SESSION, "eu-west-1", None)
    assert argv[0] == "/bin/plugin" and argv[2:5] == ["eu-west-1", "StartSession", ""]
    assert json.loads(argv[1]) == {
        "SessionId": "s-1",
        "StreamUrl": "wss://x",
        "TokenValue": "t",
        "target": "ecs:cluster-1_abc123_abc123-0",
    }
    assert json.loads(argv[5]) == {"Target": "ecs:cluster-1_abc123_abc123-0"}
    assert argv[6] == "https://ssm.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("system", "machine", "dpkg", "command"),
    [
        ("Darwin", "arm64", False, "brew install --cask session-manager-plugin"),
        ("Linux", "x86_64", True, "ubuntu_64bit/session-manager-plugin.deb && sudo dpkg -i"),
        ("Linux", "aarch64", False, "sudo yum install -y https://s3.amazonaws.com/"
         "session-manager-downloads/plugin/latest/linux_arm64/session-manager-plugin.rpm"),
    ],
)  # fmt: skip
def test_the_install_hint_is_one_command_for_the_machine(
    system: str, machine: str, dpkg: bool, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shell.shutil, "which", lambda name: "/usr/bin/dpkg" if dpkg else None)
    hint = shell.install_hint(system, machine)
    assert command in hint and shell.INSTALL_GUIDE in hint


def test_without_the_plugin_the_error_is_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell.shutil, "which", lambda name: None)
    with pytest.raises(shell.PluginMissing, match="Install it: ") as raised:
        shell.require_plugin()
    assert raised.value.exit_code == 2


def deployed(name: str) -> dict[str, Any]:
    """The stack as DescribeStacks answers it: its service's cluster and name in its outputs."""
    outputs = [{"OutputKey": "ClusterName", "OutputValue": "c"},
               {"OutputKey": "ServiceName", "OutputValue": "s"}]  # fmt: skip
    return {"StackName": name, "StackStatus": "UPDATE_COMPLETE", "Outputs": outputs}


class _Account:
    """A deployed stack whose service runs one task, as CloudFormation and ECS describe them."""

    def __init__(self, exec_enabled: bool) -> None:
        self.exec_enabled = exec_enabled
        self.executed: list[dict[str, Any]] = []

    def client(self, name: str) -> Any:
        return self

    def list_tasks(self, **kw: Any) -> dict[str, Any]:
        return {"taskArns": ["arn:aws:ecs:r:1:task/c/t1"]}

    def describe_tasks(self, **kw: Any) -> dict[str, Any]:
        task = {"taskArn": "arn:aws:ecs:r:1:task/c/t1", "lastStatus": "RUNNING",
                "enableExecuteCommand": self.exec_enabled,
                "containers": [{"name": "app", "runtimeId": "t1-0"}, {"name": "xray"}]}  # fmt: skip
        return {"tasks": [task]}

    def execute_command(self, **kw: Any) -> dict[str, Any]:
        self.executed.append(kw)
        return {"session": {"sessionId": "s", "streamUrl": "wss://x", "tokenValue": "t"}}


def test_a_session_is_opened_in_the_named_container_of_the_running_task() -> None:
    account = _Account(exec_enabled=True)
    session = shell.open_session(account, deployed("myapp-dev"), "xray", "ps aux")  # type: ignore[arg-type]
    assert account.executed == [
        {"cluster": "c", "task": "arn:aws:ecs:r:1:task/c/t1", "container": "xray",
         "command": "ps aux", "interactive": True}
    ]  # fmt: skip
    assert (session.cluster, session.task_id, session.container) == ("c", "t1", "xray")


def test_tasks_started_without_exec_are_refused_naming_the_setting() -> None:
    account = _Account(exec_enabled=False)
    with pytest.raises(UsageError, match="set `exec: true` for its environment"):
        shell.open_session(account, deployed("myapp-prod"), "app", "/bin/sh")  # type: ignore[arg-type]
    assert account.executed == []


def test_a_missing_plugin_is_a_usage_error_like_a_missing_builder() -> None:
    assert issubclass(shell.PluginMissing, UsageError)
