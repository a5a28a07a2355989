"""`appstack logs`: the service's containers' log lines, interleaved in time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.durations import Duration
from appstack.cli.options import on_one_stack, stack_connection


@click.command()
@on_one_stack
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines (Ctrl-C ends).")
@click.option(
    "--since",
    type=Duration(),
    default="10m",
    show_default=True,
    help="Lines from this long ago on (90s, 10m, 2h).",
)
@click.option("--filter", "text", default=None, help="Only lines that hold this text.")
@click.option(
    "--container",
    default=None,
    help="Only this container's lines (default: every one, the app and its sidecars).",
)
def logs(
    stack: str,
    follow: bool,
    since: float,
    text: str | None,
    container: str | None,
    output: str,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """The service's log lines (app and sidecars), interleaved in time, coloured per task."""
    from appstack.deploy import logs as service_logs
    from appstack.errors import UsageError
    from appstack.render.logs import LogPrinter, how_followed

    if follow and output == "json":
        raise UsageError(
            "--follow prints lines as they come, --output json answers one object: "
            "pass one or the other"
        )
    conn, deployed = stack_connection(stack, conn_args, config_path)
    name = stack
    found = service_logs.sources(conn, deployed, container)
    start, pattern = service_logs.since_ms(since), service_logs.pattern_of(text)
    printer = LogPrinter()
    if follow:
        live = conn.untried_client("logs")
        try:
            how = service_logs.follow(
                conn.client("logs"), found, start, printer.line, pattern, live=live
            )
        except KeyboardInterrupt:
            return  # Ctrl-C is how following ends
        how_followed(how)
        return
    lines = service_logs.read(conn.client("logs"), found, start, pattern)
    if output == "json":
        render.json_document(
            {
                "stack": name,
                "lines": [
                    {
                        "time": line.time.isoformat(),
                        "container": line.container,
                        "task": line.task,
                        "message": line.message,
                    }
                    for line in lines
                ],
            }
        )
        return
    for line in lines:
        printer.line(line)
