"""`appstack outputs`: a stack's outputs."""

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
def outputs(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    from appstack.deploy import stacks

    name, region = stack_region(stack, config_path)
    found = stacks.require(connect(conn_args, region).client("cloudformation"), name)
    answer = stacks.outputs(found)
    if output == "json":
        render.json_document({"stack": name, "outputs": answer})
    else:
        render.table("Outputs", ["name", "value"], sorted(answer.items()))
