"""`appstack exec`: a shell (or one command) in a running task of the service, by ECS Exec."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_connection


@click.command(name="exec")
@on_one_stack
@click.option("--container", default="app", show_default=True, help="The container to enter.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def exec_command(
    stack: str,
    container: str,
    command: tuple[str, ...],
    output: str,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """Open a shell in a running task of STACK's service (or run COMMAND, after --)."""
    from appstack.deploy import shell, stacks

    found = shell.require_plugin()  # before a session is opened that nothing would use
    conn, deployed = stack_connection(stack, conn_args, config_path)
    name = stack
    session = shell.open_session(conn, deployed, container, shlex.join(command) or "/bin/sh")
    render.note(f"{name}: {session.container} in task {session.task_id} (Ctrl-D ends)")
    argv = shell.plugin_argv(found, session, conn.region, conn.profile)
    # The plugin owns the terminal until the session ends (with --output json, its stdout
    # goes to stderr: stdout carries the JSON alone).
    code = subprocess.call(argv, stdout=2 if output == "json" else None)
    if output == "json":
        render.json_document(
            {
                "stack": name,
                "cluster": session.cluster,
                "task": session.task,
                "container": session.container,
                "session_id": session.answer["session"]["sessionId"],
                "exit_code": code,
            }
        )
    if code != 0:
        raise stacks.DeployError(f"the session ended with exit code {code}")
