"""`appstack deploy|plan|rollback|status|outputs|events|destroy|watch`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from appstack import blueprint, config, render
from appstack.cli.options import config_option, phase_option, target
from appstack.deploy import events, stacks
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
    if going_down:
        _check_lower(tgt, stack, stacks.current(conn, stack))
    template, current = _checks(tgt, stack, conn, skip_validate)
    change_set, refused = stacks.plan(conn, stack, current, template, allow_data_loss, allow_outage)
    if change_set.empty:
        if output == "json":  # the stack as it stands: nothing ran, so preflight's view holds
            status = current["StackStatus"] if current else "NOT_DEPLOYED"
            render.as_json({"stack": stack, "status": status, **stacks.outputs(current)})
        else:
            render.success(f"{stack}: no changes")
        return
    if change_set.creating:
        render.note(_new_environment(stack, conn.region))
    render.change_summary(change_set)
    if refused:
        stacks.discard(conn, change_set)
        render.refusal(refused)
        raise stacks.DeployError(
            f"refused: {len(refused)} change(s) above would lose data, interrupt users or "
            "cannot run; nothing was changed. Follow the safe path named, or pass the flag "
            "named if you mean it"
        )
    if not yes:
        if not render.is_interactive():
            stacks.discard(conn, change_set)
            raise stacks.DeployError("no terminal to confirm on: pass --yes to deploy")
        if not click.confirm(f"Deploy these changes to {stack}?"):
            stacks.discard(conn, change_set)
            raise click.exceptions.Abort()
    result = _follow(
        stack,
        len(change_set.changes),
        functools.partial(stacks.apply, conn, change_set, template, tgt.env.deletion_protection),
    )
    if output == "json":
        render.as_json({"stack": result.stack_name, "status": result.status, **result.outputs})
    else:
        render.outcome(result)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


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
    from appstack.estimates import cost, forecast

    timing = forecast.forecast(template, previous)
    if tgt.app.region not in cost.available_regions():
        # A plan is still worth seeing where appstack has no prices.
        render.plan_estimates(None, None, timing.total, timing.counted)
        return
    prices = cost.load_prices(tgt.app.region)
    after = cost.estimate(template, tgt.env, prices).total
    before = cost.estimate(previous, tgt.env, prices).total if previous else 0.0
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
    """The stack's status."""
    name, region = _stack_name(stack, config_path)
    found = stacks.describe(connect(conn_args, region).client("cloudformation"), name)
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
@connection_options
@config_option
def destroy(stack: str, yes: bool, conn_args: Any, config_path: Path | None) -> None:
    """Delete the stack; resources with DeletionPolicy Retain are kept and listed."""
    name, region = _stack_name(stack, config_path)
    conn = connect(conn_args, region)
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to destroy")
        click.confirm(f"Delete stack {name}?", abort=True)
    result = _follow(name, 1, functools.partial(stacks.destroy, conn, name))
    render.outcome(result)


@click.command()
@click.argument("stack")
@connection_options
@config_option
def watch(stack: str, conn_args: Any, config_path: Path | None) -> None:
    """Re-attach to the stack's running operation."""
    name, region = _stack_name(stack, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    final, _ = _follow(name, 1, functools.partial(stacks.follow, cfn, name))
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
