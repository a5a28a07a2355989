"""`appstack cost`: what an environment costs per month, before anything is created."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from appstack import render
from appstack.cli.options import config_option, output_option, phase_option
from appstack.errors import UsageError

if TYPE_CHECKING:
    from appstack import config
    from appstack.template import Template


@click.command(name="cost")
@click.argument("env")
@phase_option
@click.option("--all-phases", is_flag=True, help="Every phase, with the change between them.")
@click.option("--region", default=None, help="Price table (default: the config's region).")
@output_option(markdown=True)
@config_option
def cost_command(
    env: str,
    phase: int | None,
    all_phases: bool,
    region: str | None,
    output: str,
    config_path: Path | None,
) -> None:
    """Monthly cost of ENV: line items per capability, totals per phase, cheaper choices."""
    from appstack import config
    from appstack.estimates import cost
    from appstack.estimates.prices import load_prices
    from appstack.phases import PHASES

    if all_phases and phase is not None:
        raise UsageError("use either --phase or --all-phases")
    app = config.load(config_path)
    chosen = config.resolve(app, env, phase).phase
    phases = list(PHASES) if all_phases else [p for p in (chosen - 1, chosen) if p in PHASES]
    prices = load_prices(region or app.region)
    results = cost.phase_costs({p: _built(app, env, p) for p in phases}, prices)
    last = results[-1] if not all_phases else results[0]
    if last.estimate is None:
        raise UsageError(last.problem)
    if output == "json":
        render.json_document(
            {"environment": env, "region": region or app.region, "phases": results}
        )
    else:
        render.cost_report(env, region or app.region, results)


def _built(
    app: config.AppConfig, env: str, phase: int
) -> tuple[Template, config.EnvironmentSettings] | str:
    """The template of `env` at `phase` and its settings, or why that phase cannot be built."""
    from appstack import blueprint, config

    try:
        goal = config.resolve(app, env, phase)
        return blueprint.to_dict(blueprint.build(goal)), goal.env
    except UsageError as exc:
        return str(exc)
