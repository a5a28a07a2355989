"""`appstack outputs`: a stack's outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_client


@click.command()
@on_one_stack
def outputs(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    from appstack.deploy import stacks

    found, _ = stack_client(stack, conn_args, config_path)
    name = stack
    answer = stacks.outputs(found)
    if output == "json":
        render.json_document({"stack": name, "outputs": answer})
    else:
        render.table("Outputs", ["name", "value"], sorted(answer.items()))
