"""`appstack deploy`: ENV at a phase as STACK, through a change set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import build_options, env_into_stack, target_connection

if TYPE_CHECKING:
    from appstack.deploy.images import Build

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
    build: Build | None = None,
    **allowed: bool,
) -> None:
    """Parse, run the workflow, render: `allowed` holds yes, allow_data_loss, allow_outage
    and going_down, as the workflow's request takes them."""
    from appstack import synth
    from appstack.cli.terminal import Terminal
    from appstack.deploy import stacks, workflow

    tgt, conn = target_connection(env, phase, conn_args, config_path)
    request = workflow.Request(
        stack, tgt, synth.template(tgt), validate=not skip_validate, build=build, **allowed
    )
    result = workflow.run(conn, request, Terminal())
    if output == "json":
        document = {"stack": stack, "status": result.status, "outputs": result.outputs}
        if result.pushed is not None:
            document["image"] = result.pushed.reference
        render.json_document(document)
        if result.outcome:
            render.notices(result.outcome)
    elif result.outcome is None:
        render.success(f"{stack}: no changes")
    else:
        render.outcome(result.outcome)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


@click.command()
@env_into_stack()
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option("--allow-data-loss", is_flag=True, help="Allow deleting or replacing stored data.")
@click.option(
    "--allow-outage", is_flag=True, help="Allow changes that interrupt users (named in the plan)."
)
@SKIP_VALIDATE
@build_options
def deploy(stack: str, env: str, **kw: Any) -> None:
    """Deploy ENV (at --phase) as STACK through a change set; with --build, the image built
    from DIR/Dockerfile, by its digest."""
    deploy_as(stack, env, **kw)
