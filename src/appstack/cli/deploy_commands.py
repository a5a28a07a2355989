"""`appstack deploy|plan|rollback|status|outputs|events|destroy|watch`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from appstack import blueprint, config, render
from appstack.cli.options import config_option, phase_option, target
from appstack.deploy import changesets, events, repair, stacks
from appstack.deploy.session import Connection
from appstack.errors import UsageError
from appstack.local import emulator, transforms

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
    local, profile, region = conn_args
    endpoint = emulator.start().endpoint if local else None
    return Connection(region or default_region, profile, endpoint)


def _template(tgt: config.Target, conn: Connection) -> dict[str, Any]:
    template = blueprint.to_dict(blueprint.build(tgt))
    if conn.endpoint:
        template, notes = transforms.for_emulator(template)
        for note in notes:
            render.note(note)
    return template


def _follow(stack_name: str, total: int, action: Callable[..., Any]) -> Any:
    try:
        with render.Progress(total, stack_name) as progress:
            return action(on_event=progress.event)
    except KeyboardInterrupt:
        render.note(
            f"the operation goes on in CloudFormation; re-attach with: appstack watch {stack_name}"
        )
        raise


T = TypeVar("T")


def _beside(work: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start `work(*args)` on a daemon thread; the returned function waits for its result
    (or raises its error). Daemon: Ctrl-C in the meantime never waits for AWS to answer."""
    import threading

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work(*args)
        except BaseException as exc:  # handed to the caller, who decides
            box["error"] = exc

    thread = threading.Thread(target=run, name=getattr(work, "__name__", "work"), daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in box:
            raise box["error"]
        value: T = box["result"]
        return value

    return result


def _checks(
    tgt: config.Target, stack: str, conn: Connection, skip_validate: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Synthesize, validate (cfn-lint, own rules, checkov) and preflight; stop on any error.

    Preflight only reads the account, so it asks AWS while validate works on the template.
    Returns the template and the stack as preflight found it (None: not deployed yet)."""
    from appstack.checks import preflight

    asked = _beside(preflight.ask, tgt, stack, conn)
    findings = []
    if skip_validate:
        render.warning("--skip-validate: the template was NOT checked (cfn-lint, rules, checkov)")
    else:
        from appstack.checks.validate import validate  # cfn-lint takes 0.4 s to import

        findings = validate(tgt).findings
    template = _template(tgt, conn)
    found, current = asked()
    findings = found + findings
    render.findings(findings)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise stacks.DeployError(
            f"{len(errors)} check(s) failed before deploying {stack}; nothing was changed"
        )
    return template, current


def _deploy(
    stack: str,
    env: str,
    phase: int | None,
    yes: bool,
    allow_data_loss: bool,
    output: str,
    skip_validate: bool,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
    going_down: bool = False,
    allow_outage: bool = False,
) -> None:
    tgt = target(env, phase, config_path, region=conn_args[2])
    conn = connect(conn_args, tgt.app.region)
    found = _settle(conn, stack, tgt.is_production)
    if going_down:
        _check_lower(tgt, stack, found)
    template, current = _checks(tgt, stack, conn, skip_validate)
    change_set, refused = stacks.plan(conn, stack, current, template, allow_data_loss, allow_outage)
    if change_set.empty:
        if output == "json":  # the stack as it stands: nothing ran, so preflight's view holds
            status = current["StackStatus"] if current else "NOT_DEPLOYED"
            render.as_json({"stack": stack, "status": status, **stacks.outputs(current)})
        else:
            render.success(f"{stack}: no changes")
        return
    try:
        lift = _confirm(conn, stack, change_set, refused, yes)
    except BaseException:
        # Ctrl-C or a refusal before anything ran: a first deploy leaves no stack under review.
        stacks.discard(conn, change_set)
        raise
    if lift:
        change_set = _lift_protection(
            conn, stack, change_set, lift, template, allow_data_loss, allow_outage
        )
    result = _follow(
        stack,
        len(change_set.changes),
        functools.partial(stacks.apply, conn, change_set, template, tgt.is_production),
    )
    if lift and not result.ok:
        _restore_protection(conn, stack, lift)
    if output == "json":
        render.as_json({"stack": result.stack_name, "status": result.status, **result.outputs})
        render.notices(result)
    else:
        render.outcome(result)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


def _restore_protection(conn: Connection, stack: str, lift: set[str]) -> None:
    """The removal failed and was rolled back: protect what was to be removed again."""
    restore = functools.partial(stacks.set_deletion_protection, conn, stack, lift, True)
    restored = _follow(stack, len(lift), restore)
    if restored.ok:
        render.success(f"{stack}: deletion protection back on {', '.join(sorted(lift))}")
    else:
        render.warning(
            f"deletion protection of {', '.join(sorted(lift))} is still off: deploy the "
            "current phase to turn it back on"
        )


def _settle(conn: Connection, stack: str, production: bool | None) -> dict[str, Any] | None:
    """The stack as found, once an abandoned review is cleared and its protection repaired."""
    cfn = conn.client("cloudformation")
    found = stacks.describe(cfn, stack)
    if stacks.clear_abandoned_review(cfn, found):
        render.note(
            f"{stack} held only an unexecuted change set of an earlier deploy "
            "(REVIEW_IN_PROGRESS, no resources); it was deleted"
        )
        return None
    _repair(cfn, found, production)
    return found


def _repair(cfn: Any, found: dict[str, Any] | None, production: bool | None = None) -> None:
    """Repair the protection of a stack appstack deployed (its template description says
    so); another tool's stack is left as it is."""
    if found is None or stacks.deployed_phase(found) is None:
        return
    repaired = repair.repair(cfn, found, production=production)
    render.repairs(repaired.done, repaired.failed)


def _confirm(
    conn: Connection,
    stack: str,
    change_set: changesets.ChangeSet,
    refused: list[str],
    yes: bool,
) -> set[str]:
    """Show the change and what it does to removed resources; refuse it or have it confirmed.

    Returns the removed resources whose deletion protection must be lifted first."""
    if change_set.creating:
        render.note(_new_environment(stack, conn.region))
    render.change_summary(change_set)
    if refused:  # the caller discards the change set
        render.refusal(refused)
        raise stacks.DeployError(
            f"refused: {len(refused)} change(s) above would lose data, interrupt users or "
            "cannot run; nothing was changed. Follow the safe path named, or pass the flag "
            "named if you mean it"
        )
    lift = {r.logical_id for r in change_set.removals if r.deletion_protected}
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to deploy")
        if not click.confirm(f"Deploy these changes to {stack}?"):
            raise click.exceptions.Abort()
    return lift


def _lift_protection(
    conn: Connection,
    stack: str,
    shown: changesets.ChangeSet,
    lift: set[str],
    template: dict[str, Any],
    allow_data_loss: bool,
    allow_outage: bool,
) -> changesets.ChangeSet:
    """Run the update that lifts deletion protection, then make the confirmed change again
    (executing one change set deletes the stack's others) and check it is the one shown."""
    stacks.discard(conn, shown)
    try:
        lifted = _follow(
            stack,
            len(lift),
            functools.partial(stacks.set_deletion_protection, conn, stack, lift, False),
        )
    except KeyboardInterrupt:
        render.note(
            f"stopped while lifting deletion protection of {', '.join(sorted(lift))}; nothing "
            "was removed. Once it is done (appstack watch), run the same command again to "
            "remove them, or deploy the current phase to protect them again"
        )
        raise
    if not lifted.ok:
        render.outcome(lifted)
        raise stacks.DeployError(
            f"lifting deletion protection of {', '.join(sorted(lift))} failed; nothing was removed"
        )
    render.success(f"{stack}: deletion protection lifted on {', '.join(sorted(lift))}")
    change_set, risks = stacks.plan(
        conn, stack, stacks.current(conn, stack), template, allow_data_loss, allow_outage
    )
    planned = {(c.action, c.logical_id) for c in shown.changes}
    if risks or {(c.action, c.logical_id) for c in change_set.changes} - planned:
        stacks.discard(conn, change_set)
        raise stacks.DeployError(
            f"the change to {stack} is no longer the one confirmed; nothing was removed. "
            f"Run the command again to see the change as it is now"
        )
    return change_set


def _new_environment(stack: str, region: str) -> str:
    return (
        f"{stack} is not deployed in {region}: this creates a new, empty environment there; "
        "one deployed in another Region (an earlier `region`) keeps running, with its data"
    )


def _check_lower(tgt: config.Target, stack: str, current: dict[str, Any] | None) -> None:
    """A rollback goes down from the phase the stack is at; anything else is a mistake."""
    if current is None:
        raise UsageError(f"stack {stack} is not deployed: there is nothing to roll back")
    deployed = stacks.deployed_phase(current)
    if deployed is not None and tgt.phase >= deployed:
        lower = f"--to-phase {deployed - 1} or lower" if deployed > 1 else "it is at the lowest"
        raise UsageError(
            f"stack {stack} is at phase {deployed}, so a rollback to phase {tgt.phase} would not "
            f"go down ({lower}); to move up: appstack deploy {stack} {tgt.env_name} "
            f"--phase {tgt.phase}"
        )


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
        _deploy(stack, env, to_phase, yes, False, output, skip_validate, **kw, going_down=True)


@click.command()
@click.argument("stack")
@click.argument("env")
@phase_option
@connection_options
@config_option
def plan(stack: str, env: str, phase: int | None, conn_args: Any, config_path: Path | None) -> None:
    """Preview the changes of deploying ENV as STACK (the change set is deleted afterwards)."""
    from appstack.checks import preflight

    tgt = target(env, phase, config_path, region=conn_args[2])
    conn = connect(conn_args, tgt.app.region)
    template = _template(tgt, conn)
    # Preflight only reads: what it finds (a vpc_cidr the deployed VPC cannot take, ...)
    # is what deploy would stop on, so the plan says it first.
    found, current = preflight.ask(tgt, stack, conn)
    render.findings(found)
    previous = stacks.template_of(conn.client("cloudformation"), stack) if current else None
    change_set, refused = stacks.plan(conn, stack, current, template)
    if change_set.empty:  # none was kept: an empty change set is deleted (or never made)
        render.success(f"{stack}: no changes")
        return
    stacks.discard(conn, change_set)
    if change_set.creating:
        render.note(_new_environment(stack, conn.region))
    _estimates(tgt, template, previous)
    render.change_summary(change_set)
    if refused:
        render.refusal(["deploy would refuse, before changing anything:", *refused])


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
    found = stacks.describe(cfn, name)
    _repair(cfn, found)
    render.info(f"{name}: {found['StackStatus'] if found else 'not deployed'}")


@click.command()
@click.argument("stack")
@connection_options
@config_option
def outputs(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    name, region = _stack_name(stack, config_path)
    found = stacks.describe(connect(conn_args, region).client("cloudformation"), name)
    render.table("Outputs", ["name", "value"], sorted(stacks.outputs(found).items()))


@click.command(name="events")
@click.argument("stack")
@connection_options
@config_option
def events_command(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's events, oldest first."""
    name, region = _stack_name(stack, config_path)
    found = events.since(connect(conn_args, region).client("cloudformation"), name, set())
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
    found = stacks.current(conn, name)
    retrying = found is not None and found["StackStatus"] == "DELETE_FAILED"
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to destroy")
        click.confirm(f"Delete stack {name}?", abort=True)
    result = _follow(name, 1, functools.partial(stacks.destroy, conn, name))
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
    result = _follow(name, 1, functools.partial(retain.destroy_retaining, conn, name, retain_ids))
    render.outcome(result)


@click.command()
@click.argument("stack")
@connection_options
@config_option
def watch(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """Re-attach to the stack's running operation."""
    name, region = _stack_name(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    found = stacks.describe(cfn, name)
    if found is None:
        raise stacks.DeployError(f"stack {name} does not exist: there is nothing to watch")
    if found["StackStatus"] == "REVIEW_IN_PROGRESS":
        raise stacks.DeployError(
            f"stack {name} is not deployed: it holds only a change set that never ran "
            f"(REVIEW_IN_PROGRESS); the next appstack deploy clears it"
        )
    final, _ = _follow(name, 1, functools.partial(stacks.follow, cfn, name))
    _repair(cfn, final)
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
