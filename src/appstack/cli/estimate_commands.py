"""`appstack cost`, `appstack forecast`, `appstack diagram`: what an environment costs, how long
its deploy takes, and what it looks like, before anything is created."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import blueprint, config, render
from appstack.cli.options import OutputFile, config_option, phase_option, target
from appstack.errors import UsageError
from appstack.estimates import cost, forecast
from appstack.estimates.prices import load_prices
from appstack.phases import PHASES, capabilities
from appstack.render import diagram
from appstack.template import Template

output_option = click.option(
    "--output", type=click.Choice(["table", "json"]), default="table", show_default=True
)


@click.command(name="cost")
@click.argument("env")
@phase_option
@click.option("--all-phases", is_flag=True, help="Every phase, with the change between them.")
@click.option("--region", default=None, help="Price table (default: the config's region).")
@output_option
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
    try:
        goal = config.resolve(app, env, phase)
        return blueprint.to_dict(blueprint.build(goal)), goal.env
    except UsageError as exc:
        return str(exc)


@click.command(name="forecast")
@click.argument("env")
@phase_option
@click.option(
    "--from-phase",
    type=int,
    default=None,
    help="Forecast the update from this phase (only added and changed resources count).",
)
@output_option
@config_option
def forecast_command(
    env: str, phase: int | None, from_phase: int | None, output: str, config_path: Path | None
) -> None:
    """Expected deploy time of ENV: the critical path, the floor, needless waits."""
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


@click.command(name="diagram")
@click.argument("env")
@phase_option
@click.option(
    "-o",
    "--out",
    "out_file",
    type=OutputFile(),
    required=True,
    help="FILE.mmd (Mermaid), FILE.png or FILE.svg (need Graphviz and `diagrams`).",
)
@config_option
def diagram_command(env: str, phase: int | None, out_file: Path, config_path: Path | None) -> None:
    """Draw ENV: VPC, subnets and tiers; what this phase adds is highlighted."""
    goal = target(env, phase, config_path)
    template = blueprint.to_dict(blueprint.build(goal))
    before = set(capabilities(goal.phase - 1, goal.env.features)) if goal.phase > 1 else set()
    picture = diagram.build(template, set(goal.capabilities) - before)
    path = diagram.write(picture, out_file, f"{goal.stack_name} phase {goal.phase}")
    render.info(str(path))


def register(group: click.Group) -> None:
    group.add_command(cost_command)
    group.add_command(forecast_command)
    group.add_command(diagram_command)
