"""`appstack events`: a stack's events, oldest first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_client


@click.command(name="events")
@on_one_stack
def events_command(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's events, oldest first."""
    from appstack.deploy import events

    _, cfn = stack_client(stack, conn_args, config_path)
    name = stack
    found = events.since(cfn, name, set())
    if output == "json":
        render.json_document(
            {
                "stack": name,
                "events": [
                    {
                        "time": e.time.isoformat(),
                        "logical_id": e.logical_id,
                        "type": e.resource_type,
                        "status": e.status,
                        "reason": e.reason,
                    }
                    for e in found
                ],
            }
        )
        return
    render.table(
        f"Events of {name}",
        ["time", "resource", "status", "reason"],
        [(e.time, e.logical_id, e.status, e.reason) for e in found],
    )
