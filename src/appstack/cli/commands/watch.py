"""`appstack watch`: re-attach to a stack's running operation."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_client


@click.command()
@on_one_stack
def watch(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """Re-attach to the stack's running operation."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import stacks, workflow

    found, cfn = stack_client(stack, conn_args, config_path)
    name = stack
    if found["StackStatus"] == "REVIEW_IN_PROGRESS":
        raise stacks.DeployError(
            f"stack {name} is not deployed: it holds only a change set that never ran "
            f"(REVIEW_IN_PROGRESS); the next appstack deploy clears it"
        )
    final, _ = workflow.follow(Terminal(), name, 1, functools.partial(stacks.follow, cfn, name))
    workflow.repair_protection(cfn, final, Terminal())
    if output == "json":
        render.json_document({"stack": name, "status": final["StackStatus"]})
    else:
        render.info(f"{name}: {final['StackStatus']}")
