"""`appstack preflight`: what in the account would make a deploy fail, asked read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import env_into_stack, target_connection


@click.command()
@env_into_stack(markdown=True)
def preflight(
    stack: str, env: str, phase: int | None, output: str, conn_args: Any, config_path: Path | None
) -> None:
    """Ask the account, read-only, what would make deploying ENV (at --phase) as STACK fail."""
    from appstack.checks.preflight import preflight as run_preflight
    from appstack.deploy import stacks

    tgt, conn = target_connection(env, phase, conn_args, config_path)
    found = run_preflight(tgt, stack, conn)
    render.findings(found)
    blocked = any(f.severity == "error" for f in found)
    if output == "json":
        render.json_document({"stack": stack, "ok": not blocked, "findings": found})
    if blocked:
        raise stacks.DeployError(f"{stack}: the deploy would fail; see the fixes above")
    render.success(f"{stack}: nothing in the account stands in the way")
