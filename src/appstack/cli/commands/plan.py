"""`appstack plan`: the changes a deploy would make, previewed through a change set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import env_into_stack, target_connection

if TYPE_CHECKING:
    from appstack import config


@click.command()
@env_into_stack(markdown=True)
def plan(
    stack: str,
    env: str,
    phase: int | None,
    output: str,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """Preview the changes of deploying ENV as STACK (the change set is deleted afterwards)."""
    from appstack import synth
    from appstack.deploy import workflow

    tgt, conn = target_connection(env, phase, conn_args, config_path)
    preview = workflow.preview(conn, stack, tgt, synth.template(tgt))
    for note in preview.notes:
        render.note(note)
    if preview.drifted:
        render.warning(preview.drifted)
    render.findings(preview.findings)
    change_set = preview.change_set
    answer: dict[str, Any] = {
        "stack": stack,
        "region": conn.region,
        "creating": change_set.creating,
        "findings": preview.findings,
        "changes": [],
        "monthly": None,
        "delta": None,
        "seconds": 0.0,
        "refused": list(preview.refused),
    }
    if change_set.empty:  # none was kept: an empty change set is deleted (or never made)
        render.success(f"{stack}: no changes")
    else:
        if change_set.creating:
            render.note(workflow.new_environment(stack, conn.region))
        # What changes and whether it loses data first (what a reviewer must see), then
        # what it costs and how long it takes.
        render.change_summary(change_set)
        if preview.refused:
            render.refusal(["deploy would refuse, before changing anything:", *preview.refused])
        monthly, delta, seconds, counted = _estimates(tgt, preview.template, preview.previous)
        render.plan_estimates(monthly, delta, seconds, counted)
        answer.update(
            changes=[
                {"action": c.kind, "logical_id": c.logical_id, "type": c.resource_type}
                for c in change_set.changes
            ],
            monthly=monthly,
            delta=delta,
            seconds=seconds,
        )
    if output == "json":
        render.json_document(answer)


def _estimates(
    tgt: config.Target, template: dict[str, Any], previous: dict[str, Any] | None
) -> tuple[float | None, float | None, float, int]:
    """What the change set costs per month (None: no price table for the Region) and its
    change from now, how long it takes and how many resources change (from templates)."""
    from appstack.estimates import cost, forecast, prices

    timing = forecast.forecast(template, previous)
    if tgt.app.region not in prices.available_regions():
        # A plan is still worth seeing where appstack has no prices.
        return None, None, timing.total, timing.counted
    table = prices.load_prices(tgt.app.region)
    after = cost.estimate(template, tgt.env, table).total
    before = cost.estimate(previous, tgt.env, table).total if previous else 0.0
    return after, after - before, timing.total, timing.counted
