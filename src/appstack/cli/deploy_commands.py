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


def _deploy(
    env: str,
    phase: int | None,
    yes: bool,
    allow_data_loss: bool,
    output: str,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
) -> None:
    tgt = target(env, phase, config_path)
    conn = connect(conn_args, tgt.app.region)
    template = _template(tgt, conn)
    change_set, risks = stacks.plan(conn, tgt.stack_name, template, allow_data_loss)
    if change_set.empty:
        render.success(f"{tgt.stack_name}: no changes")
        return
    render.change_summary(change_set)
    if risks:
        stacks.discard(conn, change_set)
        render.refusal(risks)
        raise stacks.DeployError(
            "refused: this change would lose data; change the template, "
            "or pass --allow-data-loss if you mean it"
        )
    if not yes:
        if not render.is_interactive():
            stacks.discard(conn, change_set)
            raise stacks.DeployError("no terminal to confirm on: pass --yes to deploy")
        if not click.confirm(f"Deploy these changes to {tgt.stack_name}?"):
            stacks.discard(conn, change_set)
            raise click.exceptions.Abort()
    result = _follow(
        tgt.stack_name,
        len(change_set.changes),
        functools.partial(stacks.apply, conn, change_set, template, tgt.env.deletion_protection),
    )
    if output == "json":
        render.as_json({"stack": result.stack_name, "status": result.status, **result.outputs})
    else:
        render.outcome(result)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {tgt.stack_name} failed and was rolled back")


@click.command()
@click.argument("env")
@phase_option
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option("--allow-data-loss", is_flag=True, help="Allow deleting or replacing stored data.")
@click.option("--output", type=click.Choice(["text", "json"]), default="text")
@connection_options
@config_option
def deploy(env: str, **kw: Any) -> None:
    """Deploy ENV (at --phase) through a change set."""
    _deploy(env, **kw)


@click.command()
@click.argument("env")
@click.option("--to-phase", type=int, required=True, help="The phase to go back to.")
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@connection_options
@config_option
def rollback(env: str, to_phase: int, yes: bool, **kw: Any) -> None:
    """Go back to an earlier phase; stateful resources of later phases are kept."""
    _deploy(env, to_phase, yes, False, "text", **kw)


@click.command()
@click.argument("env")
@phase_option
@connection_options
@config_option
def plan(env: str, phase: int | None, conn_args: Any, config_path: Path | None) -> None:
    """Preview the changes of a deploy (the change set is deleted afterwards)."""
    tgt = target(env, phase, config_path)
    conn = connect(conn_args, tgt.app.region)
    template = _template(tgt, conn)
    change_set, risks = stacks.plan(conn, tgt.stack_name, template)
    stacks.discard(conn, change_set)
    if change_set.empty:
        render.success(f"{tgt.stack_name}: no changes")
        return
    render.change_summary(change_set)
    render.refusal(risks)


def _stack_name(env: str, config_path: Path | None) -> tuple[str, str]:
    app = config.load(config_path)
    return app.stack_name(env), app.region


@click.command()
@click.argument("env")
@connection_options
@config_option
def status(env: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's status."""
    name, region = _stack_name(env, config_path)
    stack = stacks.describe(connect(conn_args, region).client("cloudformation"), name)
    render.info(f"{name}: {stack['StackStatus'] if stack else 'not deployed'}")


@click.command()
@click.argument("env")
@connection_options
@config_option
def outputs(env: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's outputs."""
    name, region = _stack_name(env, config_path)
    stack = stacks.describe(connect(conn_args, region).client("cloudformation"), name)
    render.table("Outputs", ["name", "value"], sorted(stacks.outputs(stack).items()))


@click.command(name="events")
@click.argument("env")
@connection_options
@config_option
def events_command(env: str, conn_args: Any, config_path: Path | None) -> None:
    """The stack's events, oldest first."""
    name, region = _stack_name(env, config_path)
    found = events.since(connect(conn_args, region).client("cloudformation"), name, set())
    render.table(
        f"Events of {name}",
        ["time", "resource", "status", "reason"],
        [(e.time, e.logical_id, e.status, e.reason) for e in found],
    )


@click.command()
@click.argument("env")
@click.option("--yes", "-y", is_flag=True, help="Destroy without asking.")
@connection_options
@config_option
def destroy(env: str, yes: bool, conn_args: Any, config_path: Path | None) -> None:
    """Delete the stack; resources with DeletionPolicy Retain are kept and listed."""
    name, region = _stack_name(env, config_path)
    conn = connect(conn_args, region)
    if not yes:
        if not render.is_interactive():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to destroy")
        click.confirm(f"Delete stack {name}?", abort=True)
    result = _follow(name, 1, functools.partial(stacks.destroy, conn, name))
    render.outcome(result)


@click.command()
@click.argument("env")
@connection_options
@config_option
def watch(env: str, conn_args: Any, config_path: Path | None) -> None:
    """Re-attach to the stack's running operation."""
    name, region = _stack_name(env, config_path)
    cfn = connect(conn_args, region).client("cloudformation")
    final, _ = _follow(name, 1, functools.partial(stacks.follow, cfn, name))
    render.info(f"{name}: {final['StackStatus']}")


def register(group: click.Group) -> None:
    for command in (deploy, plan, rollback, status, outputs, events_command, destroy, watch):
        group.add_command(command)
