"""`appstack preflight`: what in the account would make a deploy fail, asked read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import (
    config_option,
    connection_options,
    output_option,
    phase_option,
    reach_target,
    target,
)


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@output_option(markdown=True)
@connection_options
@config_option
def preflight(
    stack: str, env: str, phase: int | None, output: str, conn_args: Any, config_path: Path | None
) -> None:
    """Ask the account, read-only, what would make deploying ENV (at --phase) as STACK fail."""
    from appstack.checks.preflight import preflight as run_preflight
    from appstack.deploy import stacks

    tgt = target(env, phase, config_path, region=conn_args[2])
    found = run_preflight(tgt, stack, reach_target(conn_args, tgt))
    render.findings(found)
    blocked = any(f.severity == "error" for f in found)
    if output == "json":
        render.json_document({"stack": stack, "ok": not blocked, "findings": found})
    if blocked:
        raise stacks.DeployError(f"{stack}: the deploy would fail; see the fixes above")
    render.success(f"{stack}: nothing in the account stands in the way")
