"""ECS Exec through the Session Manager plugin: how the plugin is started, how to install it
(https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)."""

from __future__ import annotations

import json

import pytest

from appstack.deploy import shell

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
