"""`appstack cost`: what an environment costs per month, before anything is created."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import config_option, output_option, phase_option
from appstack.errors import UsageError

if TYPE_CHECKING:
    from appstack import config
    from appstack.estimates.allocation import Share
    from appstack.estimates.cost import PhaseCost
    from appstack.template import Template


@click.command(name="cost")
@click.argument("env", required=False)
@phase_option
@click.option("--all-phases", is_flag=True, help="Every phase, with the change between them.")
@click.option("--region", default=None, help="Price table (default: the config's region).")
@click.option(
    "--by-tag",
    "tag_key",
    metavar="KEY",
    default=None,
    help="Every environment at its phase, grouped by the value of cost-allocation tag KEY.",
)
@output_option(markdown=True)
@config_option
def cost_command(
    env: str | None,
    phase: int | None,
    all_phases: bool,
    region: str | None,
    tag_key: str | None,
    output: str,
    config_path: Path | None,
) -> None:
    """Monthly cost of ENV: line items per capability, totals per phase, cheaper choices;
    per Region for an environment in several. With --by-tag KEY: every environment, grouped
    by its value of tag KEY."""
    from appstack import config
    from appstack.estimates import cost
    from appstack.estimates.prices import load_prices
    from appstack.phases import PHASES

    if tag_key is not None:
        if env or phase is not None or all_phases:
            raise UsageError("--by-tag takes every environment at its phase: drop ENV and --phase")
        _by_tag(config.load(config_path), tag_key, region, output)
        return
    if env is None:
        raise click.UsageError("name an environment, or pass --by-tag KEY")
    if all_phases and phase is not None:
        raise UsageError("use either --phase or --all-phases")
    app = config.load(config_path)
    goal = config.resolve(app, env, phase)
    phases = (
        list(PHASES) if all_phases else [p for p in (goal.phase - 1, goal.phase) if p in PHASES]
    )
    regions = [region] if region else list(goal.regions)
    priced, unpriced = _priced(regions)
    if not priced:
        load_prices(regions[0])  # the UsageError naming the Regions appstack has prices for
    results = {
        r: cost.phase_costs(
            {p: _built(config.in_region(app, r), env, p) for p in phases}, load_prices(r)
        )
        for r in priced
    }
    for phase_costs in results.values():
        last = phase_costs[-1] if not all_phases else phase_costs[0]
        if last.estimate is None:
            raise UsageError(last.problem)
    first = priced[0]
    if output == "json":
        answer: dict[str, Any] = {"environment": env, "region": first, "phases": results[first]}
        if len(regions) > 1:
            answer["regions"] = _per_region(results, goal.phase, unpriced)
        render.json_document(answer)
        return
    for r, phase_costs in results.items():
        render.cost_report(env, r, phase_costs)
    if len(regions) > 1:
        render.table(
            f"{env}: per Region, phase {goal.phase}",
            ["region", "per month"],
            [
                (
                    row["region"],
                    "not estimated" if row["monthly"] is None else f"${row['monthly']:,.2f}",
                )
                for row in _per_region(results, goal.phase, unpriced)
            ],
        )
    for r in unpriced:
        render.note(_no_prices(r))


def _priced(regions: list[str]) -> tuple[list[str], list[str]]:
    from appstack.estimates.prices import available_regions

    known = available_regions()
    return [r for r in regions if r in known], [r for r in regions if r not in known]


def _no_prices(region: str) -> str:
    from appstack.estimates.prices import available_regions

    return (
        f"{region}: not estimated: appstack has prices only for "
        f"{', '.join(available_regions())} (add src/appstack/data/prices/{region}.json, "
        "with a source per price)"
    )


def _per_region(
    results: dict[str, list[PhaseCost]], phase: int, unpriced: list[str]
) -> list[dict[str, Any]]:
    """The total of `phase` in each Region, and why a Region has none."""
    rows: list[dict[str, Any]] = [
        {"region": r, "monthly": estimate.total, "problem": None}
        for r, costs in results.items()
        for estimate in [next(c.estimate for c in costs if c.phase == phase)]
        if estimate is not None
    ]
    return rows + [{"region": r, "monthly": None, "problem": _no_prices(r)} for r in unpriced]


def _by_tag(app: config.AppConfig, key: str, region: str | None, output: str) -> None:
    """Every environment at its phase in each of its Regions, grouped by tag `key`."""
    from appstack import config
    from appstack.estimates import allocation

    shares: list[Share] = []
    unpriced: list[str] = []
    for env in app.environments:
        target = config.resolve(app, env)
        priced, missing = _priced([region] if region else list(target.regions))
        unpriced += [f"{env} ({r})" for r in missing]
        shares += [_share(app, target, r) for r in priced]
    groups = allocation.by_tag(shares, key)
    if output == "json":
        render.json_document({"tag": key, "groups": groups, "not_estimated": unpriced})
        return
    render.table(
        f"Monthly cost by tag {key!r} (USD, each environment at its phase)",
        [key, "environments", "per month"],
        [
            (
                g.value if g.value is not None else "(untagged)",
                ", ".join(g.environments),
                f"${g.monthly:,.2f}",
            )
            for g in groups
        ],
    )
    render.note(
        f"AWS bills by {key!r} only once it is activated as a cost-allocation tag (Billing "
        "console), and only from then on"
    )
    for where in unpriced:
        render.note(f"{where}: not estimated (no price table for its Region)")


def _share(app: config.AppConfig, target: config.Target, region: str) -> Share:
    """The monthly total of `target` (an environment at its phase) in `region`, with its tags."""
    from appstack import config
    from appstack.estimates import cost
    from appstack.estimates.allocation import Share
    from appstack.estimates.prices import load_prices

    built = _built(config.in_region(app, region), target.env_name, target.phase)
    if isinstance(built, str):
        raise UsageError(built)
    total = cost.estimate(built[0], built[1], load_prices(region)).total
    return Share(target.env_name, region, target.tags, total)


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
