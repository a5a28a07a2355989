"""`appstack status`: a stack's status (its lost protection repaired)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_client


@click.command()
@on_one_stack
def status(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's status (and its protection, repaired if an interruption lowered it)."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import workflow

    found, cfn = stack_client(stack, conn_args, config_path)
    name = stack
    workflow.repair_protection(cfn, found, Terminal())
    if output == "json":
        render.json_document({"stack": name, "status": found["StackStatus"]})
    else:
        render.info(f"{name}: {found['StackStatus']}")
