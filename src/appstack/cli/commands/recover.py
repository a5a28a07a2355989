"""`appstack recover`: get a stuck stack moving again, never giving up on data."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import can_confirm, on_one_stack, stack_client

if TYPE_CHECKING:
    from appstack.deploy.recover import Plan
    from appstack.deploy.stacks import Outcome


@click.command()
@click.option("--yes", "-y", is_flag=True, help="Recover without asking.")
@click.option(
    "--no-skip",
    is_flag=True,
    help="Retry every resource the rollback could not put back; skip none.",
)
@on_one_stack
def recover(
    stack: str, yes: bool, no_skip: bool, output: str, conn_args: Any, config_path: Path | None
) -> None:
    """Bring a stuck stack back to a state deploy accepts: UPDATE_ROLLBACK_FAILED is rolled
    back on (skipping only resources that hold no data), a failed first creation
    (ROLLBACK_COMPLETE) and an unexecuted review (REVIEW_IN_PROGRESS) are deleted."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import recover as recovering
    from appstack.deploy import stacks, workflow

    found, cfn = stack_client(stack, conn_args, config_path)
    chosen = recovering.plan(cfn, found)
    if chosen.action == recovering.NOTHING:
        _answer(chosen, None, output)
        return
    chosen.skipping = not no_skip
    _show(chosen)
    can_confirm(yes, "recover")
    if not yes:
        if chosen.skip:
            chosen.skipping = click.confirm(
                f"Skip rolling back {', '.join(chosen.skip)}? They hold no data; skipped, they "
                "stay out of step with the template until the next deploy",
                default=True,
            )
        click.confirm(_question(chosen), abort=True)
    carry_out = functools.partial(recovering.run, cfn, chosen)
    outcome = workflow.follow(Terminal(), stack, max(len(chosen.stuck), 1), carry_out)
    _answer(chosen, outcome, output)
    if not recovering.recovered(outcome):
        raise stacks.DeployError(_still_stuck(chosen, outcome))


def _question(chosen: Plan) -> str:
    if chosen.action == "delete":
        return f"Delete stack {chosen.stack}?"
    skipping = f", skipping {', '.join(chosen.skip)}" if chosen.skip else ""
    return f"Continue the rollback of {chosen.stack}{skipping}?"


def _show(chosen: Plan) -> None:
    render.info(f"{chosen.stack} is {chosen.status}: {chosen.advice}")
    if chosen.reasons:
        render.table("Why", ["failed event"], [[r] for r in chosen.reasons])
    if chosen.stuck:
        render.table(
            "Not rolled back",
            ["resource", "holds data", "recover", "reason"],
            [
                [str(s), "yes" if s.holds_data else "no",
                 "retried, never skipped" if s.holds_data
                 else ("skipped" if chosen.skipping else "retried (--no-skip)"), s.reason]
                for s in chosen.stuck
            ],
        )  # fmt: skip
    if chosen.retained:
        render.table(
            "Kept in your account by the failed creation (a Retain policy); deleting the "
            "stack leaves them",
            ["resource"],
            [[r] for r in chosen.retained],
        )


def _still_stuck(chosen: Plan, outcome: Outcome) -> str:
    if chosen.kept_stuck:
        names = ", ".join(str(s) for s in chosen.kept_stuck)
        return (
            f"{chosen.stack} is still {outcome.status}: the rollback cannot put back {names}, "
            "which holds data and is never skipped. Fix it by hand (its reason is above: "
            f"for one deleted outside CloudFormation, restore it under the same name), then run "
            f"appstack recover {chosen.stack} again"
        )
    return (
        f"{chosen.stack} ended {outcome.status}; see appstack events {chosen.stack}, fix the "
        f"cause, and run appstack recover {chosen.stack} again"
    )


def _answer(chosen: Plan, outcome: Outcome | None, output: str) -> None:
    if output == "json":
        render.json_document(
            {
                "stack": chosen.stack,
                "found": chosen.status,
                "action": chosen.action,
                "advice": chosen.advice,
                "reasons": chosen.reasons,
                "skipped": chosen.skip if chosen.action == "continue-rollback" else [],
                "not_skipped": [s.logical_id for s in chosen.kept_stuck],
                "retained": chosen.retained,
                "status": outcome.status if outcome else chosen.status,
            }
        )
    elif outcome is None:
        render.info(f"{chosen.stack}: {chosen.status}: {chosen.advice}")
    else:
        render.outcome(outcome)
