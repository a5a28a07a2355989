"""`appstack baseline deploy|plan|status|destroy`: the account baseline (AWS Config's
recorder, a CloudTrail trail), once per account and Region."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import (
    config_option,
    confirm,
    connect,
    connection_options,
    output_option,
)

if TYPE_CHECKING:
    from appstack.config import BaselineSettings
    from appstack.deploy.session import Connection
    from appstack.deploy.stackset import Instance, Rollout, Targets


def _listed(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """A comma-separated option as a tuple (`--accounts 111122223333,444455556666`)."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _settings(
    conn_args: tuple[bool, str | None, str | None], config_path: Path | None
) -> tuple[BaselineSettings, Connection]:
    from appstack import config

    app = config.load(config_path)
    return app.baseline, connect(conn_args, app.region)


@click.group()
def baseline() -> None:
    """The account baseline: AWS Config's recorder and a CloudTrail trail, deployed once per
    account and Region (environments add only their own Config rules)."""


@baseline.command("deploy")
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option(
    "--skip-validate", is_flag=True, help="Deploy without cfn-lint, rules and checkov (loudly)."
)
@click.option(
    "--accounts", callback=_listed, help="As a StackSet to these accounts (comma-separated)."
)
@click.option("--regions", callback=_listed, help="The StackSet's Regions (comma-separated).")
@click.option(
    "--ou", "units", callback=_listed, help="As a StackSet to these organizational units."
)
@output_option()
@connection_options
@config_option
def deploy(
    yes: bool,
    skip_validate: bool,
    accounts: tuple[str, ...],
    regions: tuple[str, ...],
    units: tuple[str, ...],
    output: str,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """Deploy the baseline in this account and Region through a change set; with accounts or
    organizational units (options, or `baseline:` in the config), as a StackSet."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import baseline as engine
    from appstack.deploy import stacks, stackset

    settings, conn = _settings(conn_args, config_path)
    goal = stackset.targets(settings, accounts, regions, units, conn.region)
    if goal is not None:
        _deploy_stack_set(conn, settings, goal, yes, output)
        return
    result = engine.deploy(conn, settings, Terminal(), yes=yes, validate=not skip_validate)
    if output == "json":
        render.json_document(
            {
                "stack": result.stack,
                "region": conn.region,
                "status": result.status,
                "outputs": result.outputs,
            }
        )
    render.deployed(result.stack, result.outcome, output)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {result.stack} failed and was rolled back")


@baseline.command("plan")
@output_option()
@connection_options
@config_option
def plan(output: str, conn_args: Any, config_path: Path | None) -> None:
    """Preview the baseline's changes in this account and Region."""
    from appstack.deploy import baseline as engine

    settings, conn = _settings(conn_args, config_path)
    preview = engine.plan(conn, settings)
    render.findings(preview.findings)
    change_set = preview.change_set
    if change_set.empty:
        render.success(f"{settings.stack_name}: no changes")
    else:
        render.change_summary(change_set)
        if preview.refused:
            render.refusal(["deploy would refuse, before changing anything:", *preview.refused])
    if output == "json":
        render.json_document(
            {
                "stack": settings.stack_name,
                "region": conn.region,
                "creating": change_set.creating,
                "findings": preview.findings,
                "changes": [
                    {"action": c.kind, "logical_id": c.logical_id, "type": c.resource_type}
                    for c in change_set.changes
                ],
                "refused": list(preview.refused),
            }
        )


@baseline.command("status")
@click.option("--drift", is_flag=True, help="Of a StackSet: run drift detection first.")
@output_option()
@connection_options
@config_option
def status(drift: bool, output: str, conn_args: Any, config_path: Path | None) -> None:
    """The baseline's stack, and whether its recorder records and its trail logs; of a
    StackSet, each stack instance (with --drift, after drift detection)."""
    from appstack.deploy import baseline as engine
    from appstack.deploy import stackset

    settings, conn = _settings(conn_args, config_path)
    cfn = conn.client("cloudformation")
    name, call_as = settings.stack_name, settings.call_as
    if stackset.describe(cfn, name, call_as) is not None:
        rollout = (
            stackset.detect_drift(conn, settings)
            if drift
            else stackset.Rollout(name, "CURRENT", tuple(stackset.instances(cfn, name, call_as)))
        )
        _rollout(rollout, conn.region, output)
        return
    found = engine.status(conn, settings)
    if output == "json":
        render.json_document(
            {
                "stack": found.stack,
                "region": found.region,
                "status": found.status,
                "recorder": found.recorder,
                "recording": found.recording,
                "trail": found.trail,
                "logging": found.logging,
            }
        )
        return
    render.table(
        f"account baseline in {found.region}",
        ["stack", "status", "recorder", "trail"],
        [
            [
                found.stack,
                found.status,
                f"{found.recorder} ({'recording' if found.recording else 'NOT recording'})"
                if found.recorder
                else "-",
                f"{found.trail} ({'logging' if found.logging else 'NOT logging'})"
                if found.trail
                else "-",
            ]
        ],
    )
    if found.status == "NOT_DEPLOYED":
        render.note("deploy it: appstack baseline deploy")


@baseline.command("destroy")
@click.option("--yes", "-y", is_flag=True, help="Destroy without asking.")
@output_option()
@connection_options
@config_option
def destroy(yes: bool, output: str, conn_args: Any, config_path: Path | None) -> None:
    """Delete the baseline's stack (its buckets and key are kept); refused while Config
    rules rely on its recorder."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import baseline as engine
    from appstack.deploy import stacks, stackset, workflow

    settings, conn = _settings(conn_args, config_path)
    name = settings.stack_name
    confirm(
        yes,
        "destroy",
        f"Delete the account baseline {name}? Recording and the trail stop where it runs",
    )
    if stackset.describe(conn.client("cloudformation"), name, settings.call_as) is not None:
        rollout = stackset.destroy(conn, settings, _instance_line)
        if output == "json":
            render.json_document({"stack": name, "status": rollout.status, "retained": []})
        else:
            render.success(f"StackSet {name}: its stack instances are deleted ({rollout.status})")
        if rollout.instances:
            raise stacks.DeployError(f"StackSet {name}: {len(rollout.instances)} instance(s) left")
        return
    destroying = functools.partial(engine.destroy, conn, settings)
    result = workflow.follow(Terminal(), name, 1, destroying)
    if output == "json":
        render.notices(result)
        render.json_document({"stack": name, "status": result.status, "retained": result.retained})
    else:
        render.outcome(result)
    if not result.ok:
        raise stacks.DeployError(f"deletion of {name} ended in {result.status}")


def _instance_line(instance: Instance) -> None:
    reason = f": {instance.reason}" if instance.reason else ""
    render.note(f"{instance.where}: {instance.status} {instance.detailed}{reason}")


def _rollout(rollout: Rollout, region: str, output: str) -> None:
    """A StackSet's instances: a table for people, one object for machines."""
    rows = [
        {
            "account": i.account,
            "region": i.region,
            "status": i.status,
            "detailed_status": i.detailed,
            "reason": i.reason,
            "drift": i.drift,
            "organizational_unit": i.unit or None,
        }
        for i in rollout.instances
    ]
    if output == "json":
        render.json_document(
            {
                "stack": rollout.stack_set,
                "region": region,
                "status": rollout.status,
                "outputs": {},
                "instances": rows,
            }
        )
        return
    render.table(
        f"StackSet {rollout.stack_set}: {rollout.status}",
        ["account", "OU", "region", "status", "detail", "drift", "reason"],
        [
            [
                i.account,
                i.unit or "-",
                i.region,
                i.status,
                i.detailed,
                i.drift,
                i.reason,
            ]
            for i in rollout.instances
        ],
    )


def _deploy_stack_set(
    conn: Connection, settings: BaselineSettings, goal: Targets, yes: bool, output: str
) -> None:
    from appstack.deploy import stacks, stackset

    where = ", ".join(goal.accounts or goal.units)
    confirm(
        yes,
        "deploy",
        f"Deploy the baseline StackSet {settings.stack_name} to {where} in "
        f"{', '.join(goal.regions)}?",
    )
    rollout = stackset.deploy(conn, settings, goal, _instance_line)
    _rollout(rollout, conn.region, output)
    if not rollout.ok:
        failed = "; ".join(f"{i.where}: {i.detailed} {i.reason}".strip() for i in rollout.failed)
        raise stacks.DeployError(
            f"the StackSet operation ended {rollout.status}; {failed or 'see the instances'}"
        )


@baseline.command("adopt")
@click.argument("stack")
@click.option("--yes", "-y", is_flag=True, help="Move them without asking.")
@output_option()
@connection_options
@config_option
def adopt(stack: str, yes: bool, output: str, conn_args: Any, config_path: Path | None) -> None:
    """Move the Config recorder and trail STACK still holds into the account baseline,
    without a gap in recording (retain, release, import, update)."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import adopt as engine

    settings, conn = _settings(conn_args, config_path)
    confirm(
        yes,
        "adopt",
        f"Move the account's recorder and trail from {stack} into {settings.stack_name}?",
    )
    done = engine.adopt(conn, stack, settings, Terminal())
    if output == "json":
        render.json_document(
            {
                "stack": done.stack,
                "baseline": done.baseline,
                "moved": done.moved,
                "steps": done.steps,
            }
        )
        return
    for step in done.steps:
        render.success(step)
    render.note(f"now deploy {stack} as usual: its template no longer holds them")
