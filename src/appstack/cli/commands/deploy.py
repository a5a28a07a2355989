"""`appstack deploy`: ENV at a phase as STACK, through a change set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.durations import Duration
from appstack.cli.options import (
    config_option,
    connect,
    connection_options,
    output_option,
    phase_option,
    target,
)

SKIP_VALIDATE = click.option(
    "--skip-validate", is_flag=True, help="Deploy without cfn-lint, rules and checkov (loudly)."
)


def deploy_as(
    stack: str,
    env: str,
    phase: int | None,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
    output: str,
    skip_validate: bool,
    timeout: float | None = None,
    **allowed: bool,
) -> None:
    """Parse, run the workflow, render: `allowed` holds yes, allow_data_loss, allow_outage
    and going_down, as the workflow's request takes them; `timeout` bounds the wait."""
    from appstack import synth
    from appstack.cli.terminal import Terminal
    from appstack.deploy import stacks, workflow

    tgt = target(env, phase, config_path, region=conn_args[2])
    conn = connect(conn_args, tgt.app.region)
    request = workflow.Request(
        stack, tgt, synth.template(tgt), validate=not skip_validate, timeout=timeout, **allowed
    )
    result = workflow.run(conn, request, Terminal())
    if output == "json":
        render.json_document({"stack": stack, "status": result.status, "outputs": result.outputs})
        if result.outcome:
            render.notices(result.outcome)
    elif result.outcome is None:
        render.success(f"{stack}: no changes")
    else:
        render.outcome(result.outcome)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option("--allow-data-loss", is_flag=True, help="Allow deleting or replacing stored data.")
@click.option(
    "--allow-outage", is_flag=True, help="Allow changes that interrupt users (named in the plan)."
)
@click.option(
    "--timeout",
    type=Duration(),
    default=None,
    help="Stop waiting after this long (10m, 1h); the operation goes on in CloudFormation.",
)
@output_option()
@SKIP_VALIDATE
@connection_options
@config_option
def deploy(stack: str, env: str, **kw: Any) -> None:
    """Deploy ENV (at --phase) as STACK through a change set."""
    deploy_as(stack, env, **kw)
