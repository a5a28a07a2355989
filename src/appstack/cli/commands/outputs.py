"""`appstack outputs`: a stack's outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import config_option, connect, connection_options, stack_region


@click.command()
@click.argument("stack")
@connection_options
@config_option
def outputs(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    from appstack.deploy import stacks

    name, region = stack_region(stack, config_path)
    found = stacks.require(connect(conn_args, region).client("cloudformation"), name)
    render.table("Outputs", ["name", "value"], sorted(stacks.outputs(found).items()))
