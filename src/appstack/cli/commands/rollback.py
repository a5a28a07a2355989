"""`appstack rollback`: a deploy down to an earlier phase."""

from __future__ import annotations

from typing import Any

import click

from appstack.cli.commands.deploy import SKIP_VALIDATE, deploy_as
from appstack.cli.options import env_into_stack


@click.command()
@env_into_stack(phase=False)
@click.option("--to-phase", type=int, required=True, help="The phase to go back to.")
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@SKIP_VALIDATE
def rollback(
    stack: str, env: str, to_phase: int, yes: bool, output: str, skip_validate: bool, **kw: Any
) -> None:
    """Take STACK back to an earlier phase; stateful resources of later phases are kept."""
    deploy_as(
        stack,
        env,
        to_phase,
        output=output,
        skip_validate=skip_validate,
        yes=yes,
        going_down=True,
        **kw,
    )
