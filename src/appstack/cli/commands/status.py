"""`appstack status`: a stack's status (its lost protection repaired)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import (
    config_option,
    connect,
    connection_options,
    output_option,
    stack_region,
)


@click.command()
@click.argument("stack")
@output_option()
@connection_options
@config_option
def status(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's status (and its protection, repaired if an interruption lowered it)."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import stacks, workflow

    name, region = stack_region(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    found = stacks.require(cfn, name)
    workflow.repair_protection(cfn, found, Terminal())
    if output == "json":
        render.json_document({"stack": name, "status": found["StackStatus"]})
    else:
        render.info(f"{name}: {found['StackStatus']}")
