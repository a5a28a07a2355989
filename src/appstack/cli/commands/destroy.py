"""`appstack destroy`: delete a stack; after a failed delete, offer to keep what cannot go."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import (
    config_option,
    confirm,
    connection_options,
    output_option,
    stack_connection,
)

if TYPE_CHECKING:
    from appstack.deploy.session import Connection
    from appstack.deploy.stacks import Outcome


@click.command()
@click.argument("stack")
@click.option("--yes", "-y", is_flag=True, help="Destroy without asking.")
@click.option(
    "--retain",
    "retain_ids",
    multiple=True,
    metavar="LOGICAL_ID",
    help="After a failed delete: keep this resource that holds data (repeatable).",
)
@output_option()
@connection_options
@config_option
def destroy(
    stack: str,
    yes: bool,
    retain_ids: tuple[str, ...],
    output: str,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """Delete the stack; resources with DeletionPolicy Retain are kept and listed. After a
    failed delete (DELETE_FAILED), the stack is deleted again (its cause may be fixed) and,
    if that fails too, the resources that still cannot be deleted are offered to be kept."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import stacks, workflow

    name = stack
    conn, found = stack_connection(stack, conn_args, config_path)
    retrying = found["StackStatus"] == "DELETE_FAILED"
    confirm(yes, "destroy", f"Delete stack {name}?")
    result = workflow.follow(Terminal(), name, 1, functools.partial(stacks.destroy, conn, name))
    # A second failed delete in a row goes on to keep what cannot be deleted.
    goes_on = not result.ok and retrying and result.status == "DELETE_FAILED"
    _answer(result, output, final=not goes_on)
    if result.ok:
        return
    reason = f": {result.failure.reason}" if result.failure else ""
    failed = (
        f"deletion of {name} ended in {result.status}{reason}. Still in the stack: "
        f"{'; '.join(result.left) or 'see appstack events ' + name}"
    )
    if not goes_on:
        raise stacks.DeployError(
            f"{failed}. Fix the cause and run appstack destroy {name} again; if it fails "
            f"again, it offers to keep what cannot be deleted"
        )
    render.warning(failed)
    _answer(_destroy_retaining(name, conn, yes, retain_ids), output, final=True)


def _answer(result: Outcome, output: str, final: bool) -> None:
    """The outcome of a deletion, for people; in JSON once, for the deletion that ends the
    command (a first one that fails is followed by one that keeps what cannot go)."""
    if output != "json":
        render.outcome(result)
        return
    render.notices(result)
    if final:
        render.json_document(
            {
                "stack": result.stack_name,
                "status": result.status,
                "retained": result.retained,
                "left": result.left,
            }
        )


def _destroy_retaining(
    name: str, conn: Connection, yes: bool, retain_ids: tuple[str, ...]
) -> Outcome:
    from appstack.cli.terminal import Terminal
    from appstack.deploy import retain, workflow

    failed = retain.undeletable(conn.client("cloudformation"), name)
    render.table(
        f"{name} could not delete these; they stay in your account",
        ["resource"],
        [[str(r)] for r in failed],
    )
    confirm(yes, "destroy", f"Delete stack {name} and keep these resources?")
    destroying = functools.partial(retain.destroy_retaining, conn, name, retain_ids)
    return workflow.follow(Terminal(), name, 1, destroying)
