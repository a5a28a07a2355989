"""`appstack forecast`: how long an environment's deploy takes, before anything is created."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import render
from appstack.cli.options import config_option, output_option, phase_option, target


@click.command(name="forecast")
@click.argument("env")
@phase_option
@click.option(
    "--from-phase",
    type=int,
    default=None,
    help="Forecast the update from this phase (only added and changed resources count).",
)
@output_option(markdown=True)
@config_option
def forecast_command(
    env: str, phase: int | None, from_phase: int | None, output: str, config_path: Path | None
) -> None:
    """Expected deploy time of ENV: the critical path, the floor, needless waits."""
    from appstack import blueprint, config
    from appstack.estimates import forecast

    goal = target(env, phase, config_path)
    template = blueprint.to_dict(blueprint.build(goal))
    previous = None
    if from_phase is not None:
        start = config.resolve(goal.app, env, from_phase)
        previous = blueprint.to_dict(blueprint.build(start))
    result = forecast.forecast(template, previous)
    if output == "json":
        render.json_document(
            {"environment": env, "phase": goal.phase, "from_phase": from_phase, "forecast": result}
        )
    else:
        render.forecast_report(env, goal.phase, from_phase, result)
