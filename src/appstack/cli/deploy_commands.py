"""`appstack deploy|plan|rollback|status|outputs|events|destroy|watch`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from appstack import config, render, synth
from appstack.cli.options import config_option, phase_option, target
from appstack.cli.terminal import Terminal
from appstack.deploy import events, stacks, workflow
from appstack.deploy.session import Connection

F = TypeVar("F", bound=Callable[..., Any])


def connection_options(func: F) -> F:
    @click.option("--local", is_flag=True, help="Use the local emulator (started if needed).")
    @click.option("--profile", default=None, help="AWS profile (default: credential chain).")
    @click.option("--region", default=None, help="AWS Region (default: the config's region).")
    @functools.wraps(func)
    def wrapper(*args: Any, local: bool, profile: str | None, region: str | None, **kw: Any) -> Any:
        kw["conn_args"] = (local, profile, region)
        return func(*args, **kw)

    return wrapper  # type: ignore[return-value]


def connect(conn_args: tuple[bool, str | None, str | None], default_region: str) -> Connection:
    """AWS through the standard credential chain, or with --local the emulator (its own
    endpoint, credentials and template transforms: `appstack.local.connect`)."""
    local, profile, region = conn_args
    if local:
        from appstack import local as emulator

        return emulator.connect(region or default_region)
    return Connection(region or default_region, profile)


def _deploy(
    stack: str,
    env: str,
    phase: int | None,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
    output: str,
    skip_validate: bool,
    **allowed: bool,
) -> None:
    """Parse, run the workflow, render: `allowed` holds yes, allow_data_loss, allow_outage
    and going_down, as the workflow's request takes them."""
    tgt = target(env, phase, config_path, region=conn_args[2])
    conn = connect(conn_args, tgt.app.region)
    request = workflow.Request(
        stack, tgt, synth.template(tgt), validate=not skip_validate, **allowed
    )
    result = workflow.run(conn, request, Terminal())
    if output == "json":
        render.as_json({"stack": stack, "status": result.status, **result.outputs})
        if result.outcome:
            render.notices(result.outcome)
    elif result.outcome is None:
        render.success(f"{stack}: no changes")
    else:
        render.outcome(result.outcome)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


_OUTPUT = click.option(
    "--output", type=click.Choice(["text", "json"]), default="text", help="json: for machines."
)
_SKIP_VALIDATE = click.option(
    "--skip-validate", is_flag=True, help="Deploy without cfn-lint, rules and checkov (loudly)."
)


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option("--allow-data-loss", is_flag=True, help="Allow deleting or replacing stored data.")
@click.option(
    "--allow-outage", is_flag=True, help="Allow changes that interrupt users (named in the plan)."
)
@_OUTPUT
@_SKIP_VALIDATE
@connection_options
@config_option
def deploy(stack: str, env: str, **kw: Any) -> None:
    """Deploy ENV (at --phase) as STACK through a change set."""
    with render.for_machines(kw["output"] == "json"):
        _deploy(stack, env, **kw)


@click.command()
@click.argument("stack")
@click.argument("env")
@click.option("--to-phase", type=int, required=True, help="The phase to go back to.")
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@_OUTPUT
@_SKIP_VALIDATE
@connection_options
@config_option
def rollback(
    stack: str, env: str, to_phase: int, yes: bool, output: str, skip_validate: bool, **kw: Any
) -> None:
    """Take STACK back to an earlier phase; stateful resources of later phases are kept."""
    with render.for_machines(output == "json"):
        _deploy(
            stack,
            env,
            to_phase,
            output=output,
            skip_validate=skip_validate,
            yes=yes,
            going_down=True,
            **kw,
        )


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@connection_options
@config_option
def plan(stack: str, env: str, phase: int | None, conn_args: Any, config_path: Path | None) -> None:
    """Preview the changes of deploying ENV as STACK (the change set is deleted afterwards)."""
    tgt = target(env, phase, config_path, region=conn_args[2])
    conn = connect(conn_args, tgt.app.region)
    preview = workflow.preview(conn, stack, tgt, synth.template(tgt))
    for note in preview.notes:
        render.note(note)
    render.findings(preview.findings)
    change_set = preview.change_set
    if change_set.empty:  # none was kept: an empty change set is deleted (or never made)
        render.success(f"{stack}: no changes")
        return
    if change_set.creating:
        render.note(workflow.new_environment(stack, conn.region))
    _estimates(tgt, preview.template, preview.previous)
    render.change_summary(change_set)
    if preview.refused:
        render.refusal(["deploy would refuse, before changing anything:", *preview.refused])


def _estimates(
    tgt: config.Target, template: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    """What the change set costs per month and how long it takes (both from templates)."""
    from appstack.estimates import cost, forecast, prices

    timing = forecast.forecast(template, previous)
    if tgt.app.region not in prices.available_regions():
        # A plan is still worth seeing where appstack has no prices.
        render.plan_estimates(None, None, timing.total, timing.counted)
        return
    table = prices.load_prices(tgt.app.region)
    after = cost.estimate(template, tgt.env, table).total
    before = cost.estimate(previous, tgt.env, table).total if previous else 0.0
    render.plan_estimates(after, after - before, timing.total, timing.counted)


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@connection_options
@config_option
def preflight(
    stack: str, env: str, phase: int | None, conn_args: Any, config_path: Path | None
) -> None:
    """Ask the account, read-only, what would make deploying ENV (at --phase) as STACK fail."""
    from appstack.checks.preflight import preflight as run_preflight

    tgt = target(env, phase, config_path, region=conn_args[2])
    found = run_preflight(tgt, stack, connect(conn_args, tgt.app.region))
    render.findings(found)
    if any(f.severity == "error" for f in found):
        raise stacks.DeployError(f"{stack}: the deploy would fail; see the fixes above")
    render.success(f"{stack}: nothing in the account stands in the way")


def _stack_name(stack: str, config_path: Path | None) -> tuple[str, str]:
    """The stack, and the Region to find it in (the config's, unless --region says)."""
    return stack, config.load(config_path).region


@click.command()
@click.argument("stack")
@connection_options
@config_option
def status(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's status (and its protection, repaired if an interruption lowered it)."""
    name, region = _stack_name(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    found = stacks.require(cfn, name)
    workflow.repair_protection(cfn, found, Terminal())
    render.info(f"{name}: {found['StackStatus']}")


@click.command()
@click.argument("stack")
@connection_options
@config_option
def outputs(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    name, region = _stack_name(stack, config_path)
    found = stacks.require(connect(conn_args, region).client("cloudformation"), name)
    render.table("Outputs", ["name", "value"], sorted(stacks.outputs(found).items()))


@click.command(name="events")
@click.argument("stack")
@connection_options
@config_option
def events_command(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's events, oldest first."""
    name, region = _stack_name(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    stacks.require(cfn, name)
    found = events.since(cfn, name, set())
    render.table(
        f"Events of {name}",
        ["time", "resource", "status", "reason"],
        [(e.time, e.logical_id, e.status, e.reason) for e in found],
    )


@click.command()
@click.argument("stack")
@click.option("--yes", "-y", is_flag=True, help="Destroy without asking.")
@click.option(
    "--retain",
    "retain_ids",
    multiple=True,
    metavar="LOGICAL_ID",
    help="After a failed delete: keep this resource that holds data (repeatable).",
)
@connection_options
@config_option
def destroy(
    stack: str, yes: bool, retain_ids: tuple[str, ...], conn_args: Any, config_path: Path | None
) -> None:
    """Delete the stack; resources with DeletionPolicy Retain are kept and listed. After a
    failed delete (DELETE_FAILED), the stack is deleted again (its cause may be fixed) and,
    if that fails too, the resources that still cannot be deleted are offered to be kept."""
    name, region = _stack_name(stack, config_path)
    conn = connect(conn_args, region)
    found = stacks.require(conn.client("cloudformation"), name)
    retrying = found["StackStatus"] == "DELETE_FAILED"
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to destroy")
        click.confirm(f"Delete stack {name}?", abort=True)
    result = workflow.follow(Terminal(), name, 1, functools.partial(stacks.destroy, conn, name))
    render.outcome(result)
    if result.ok:
        return
    reason = f": {result.failure.reason}" if result.failure else ""
    failed = (
        f"deletion of {name} ended in {result.status}{reason}. Still in the stack: "
        f"{'; '.join(result.left) or 'see appstack events ' + name}"
    )
    if not retrying or result.status != "DELETE_FAILED":
        raise stacks.DeployError(
            f"{failed}. Fix the cause and run appstack destroy {name} again; if it fails "
            f"again, it offers to keep what cannot be deleted"
        )
    render.warning(failed)
    _destroy_retaining(name, conn, yes, retain_ids)


def _destroy_retaining(name: str, conn: Connection, yes: bool, retain_ids: tuple[str, ...]) -> None:
    from appstack.deploy import retain

    failed = retain.undeletable(conn.client("cloudformation"), name)
    render.table(
        f"{name} could not delete these; they stay in your account",
        ["resource"],
        [[str(r)] for r in failed],
    )
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to destroy")
        click.confirm(f"Delete stack {name} and keep these resources?", abort=True)
    destroying = functools.partial(retain.destroy_retaining, conn, name, retain_ids)
    result = workflow.follow(Terminal(), name, 1, destroying)
    render.outcome(result)


@click.command()
@click.argument("stack")
@connection_options
@config_option
def watch(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """Re-attach to the stack's running operation."""
    name, region = _stack_name(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    found = stacks.require(cfn, name)
    if found["StackStatus"] == "REVIEW_IN_PROGRESS":
        raise stacks.DeployError(
            f"stack {name} is not deployed: it holds only a change set that never ran "
            f"(REVIEW_IN_PROGRESS); the next appstack deploy clears it"
        )
    final, _ = workflow.follow(Terminal(), name, 1, functools.partial(stacks.follow, cfn, name))
    workflow.repair_protection(cfn, final, Terminal())
    render.info(f"{name}: {final['StackStatus']}")


def register(group: click.Group) -> None:
    for command in (
        deploy,
        plan,
        rollback,
        preflight,
        status,
        outputs,
        events_command,
        destroy,
        watch,
    ):
        group.add_command(command)
