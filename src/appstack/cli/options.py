"""Options shared by several commands, and what they select: targets, a connection.

Light to import (click only): every command module imports it, and `appstack --help`
loads every command module; the config, boto3 and the rest load when a command runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from appstack import render
from appstack.errors import UsageError
from appstack.phases import PHASES

if TYPE_CHECKING:
    from appstack import config
    from appstack.deploy.session import Connection

F = TypeVar("F", bound=Callable[..., Any])


class SafePath(click.Path):
    """A path argument that refuses a NUL byte, which no file name holds (click would pass
    it to os.stat, which raises ValueError)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if "\x00" in str(value):
            self.fail("a path cannot contain a NUL byte", param, ctx)
        return super().convert(value, param, ctx)


class OutputFile(SafePath):
    """A file to write: not a directory, in a directory that exists and may be written to."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, writable=True, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path: Path = super().convert(value, param, ctx)
        folder = path.parent
        if not folder.exists():
            self.fail(f"directory {folder} does not exist; create it first", param, ctx)
        if not folder.is_dir():
            self.fail(f"{folder} is not a directory", param, ctx)
        if not os.access(folder, os.W_OK):
            self.fail(f"directory {folder} is not writable", param, ctx)
        return path


class OutputDir(SafePath):
    """A directory to write into, created if missing: what exists of it is a directory."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path: Path = super().convert(value, param, ctx)
        for part in (path, *path.parents):
            if part.exists():  # the nearest existing one: the others are created under it
                if not part.is_dir():
                    self.fail(f"{part} is a file, not a directory", param, ctx)
                if not os.access(part, os.W_OK):
                    self.fail(f"directory {part} is not writable", param, ctx)
                break
        return path


config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=SafePath(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (default: ./appstack.yaml, or built-in defaults).",
)
phase_option = click.option(
    "--phase",
    "-p",
    type=int,
    default=None,
    help="Phase 1-4 (default: the environment's `phase`).",
)


all_option = click.option(
    "--all",
    "all_targets",
    is_flag=True,
    help="Every environment at every phase this version can build, in one run.",
)


def select_targets(
    env: str | None, phase: int | None, all_targets: bool, config_path: Path | None
) -> list[config.Target]:
    """ENV at --phase, or with --all every buildable environment and phase."""
    if all_targets and (env or phase is not None):
        given = f"environment {env!r}" if env else f"--phase {phase}"
        raise UsageError(
            f"--all takes every environment at every phase, so the {given} would be ignored; "
            "pass one or the other"
        )
    if all_targets:
        from appstack import config

        app = config.load(config_path)
        targets = buildable_targets(app)
        built = {(t.env_name, t.phase) for t in targets}
        for name in app.environments:
            left_out = [str(p) for p in PHASES if (name, p) not in built]
            if left_out:
                plural = "s" if len(left_out) > 1 else ""
                render.note(
                    f"{name}: phase{plural} {', '.join(left_out)} left out: the VPN needs "
                    "`vpn.customer_gateway_ip` (or switch it off with `features: {vpn: false}`)"
                )
        return targets
    if env:
        return [target(env, phase, config_path)]
    raise click.UsageError("name an environment, or pass --all")


def target(
    env: str, phase: int | None, config_path: Path | None, region: str | None = None
) -> config.Target:
    """Load the config and pick one environment at one phase (in `region`, when given
    instead of the config's; else in the first of the environment's `regions`)."""
    from appstack import config

    app = config.load(config_path)
    if region is None and env in app.environments:
        region = next(iter(app.environments[env].regions), None)
    return config.resolve(config.in_region(app, region), env, phase)


def buildable_targets(app: config.AppConfig) -> list[config.Target]:
    """Every environment at every phase this version can build (the VPN needs its address)."""
    from appstack import config

    return [
        config.resolve(app, env, phase)
        for env, settings in app.environments.items()
        for phase in PHASES
        if not config.needs_vpn_address(settings, phase)
    ]


def can_confirm(yes: bool, verb: str) -> None:
    """Refuse to `verb` without --yes where there is no terminal to ask on."""
    if not yes and not render.is_interactive():
        from appstack.deploy import stacks

        raise stacks.DeployError(f"no terminal to confirm on: pass --yes to {verb}")


def confirm(yes: bool, verb: str, question: str) -> None:
    """Ask `question` unless `yes` (no stops the command); without a terminal to ask on,
    refuse to `verb`."""
    can_confirm(yes, verb)
    if not yes:
        click.confirm(question, abort=True)


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
    from appstack.deploy.session import Connection

    return Connection(region or default_region, profile)


def reach(
    conn_args: tuple[bool, str | None, str | None],
    env_name: str | None,
    settings: config.EnvironmentSettings | None,
    region: str,
    check: bool = True,
) -> Connection:
    """A connection in `region` to the account of environment `env_name` (through its
    `profile` or `role_arn`, unless --profile says otherwise), refused with `WrongAccount`
    when the credentials reach another account than the environment's (unless `check` is
    off: the same credentials were checked for another Region already)."""
    from dataclasses import replace

    from appstack.deploy import accounts

    local, profile_flag, _ = conn_args
    profile, role = accounts.way_in(settings, profile_flag)
    conn = connect((local, profile, region), region)
    if profile and not local:
        accounts.require_profile(conn, env_name)
    if role:
        conn = replace(conn, role_arn=role)
    if check and env_name is not None and settings is not None:
        accounts.check(conn, env_name, settings)
    return conn


def home_region(app: config.AppConfig, settings: config.EnvironmentSettings | None) -> str:
    """Where an environment is reached unless --region says otherwise: the first of its
    `regions`, else the config's `region`."""
    return settings.regions[0] if settings and settings.regions else app.region


def env_connection(
    conn_args: tuple[bool, str | None, str | None], app: config.AppConfig, env: str
) -> Connection:
    """A connection to the account of environment `env` (of `app`), in --region or its home
    Region; checked (`reach`)."""
    settings = app.environments[env]
    return reach(conn_args, env, settings, conn_args[2] or home_region(app, settings))


def reach_target(conn_args: tuple[bool, str | None, str | None], tgt: config.Target) -> Connection:
    """A connection to the account of `tgt`'s environment, in its Region; checked."""
    return reach(conn_args, tgt.env_name, tgt.env, tgt.app.region)


def stack_connection(
    stack: str, conn_args: tuple[bool, str | None, str | None], config_path: Path | None
) -> tuple[Connection, dict[str, Any]]:
    """A connection to the account of STACK's environment (the config's environment of
    that stack name, else the one its deployed template records; see
    `appstack.deploy.accounts`), and the stack (StackNotFound if there is none)."""
    from appstack import config
    from appstack.deploy import accounts, stacks

    app = config.load(config_path)
    env = accounts.environment_of(app, stack)
    settings = app.environments[env] if env else None
    conn = reach(conn_args, env, settings, conn_args[2] or home_region(app, settings))
    cfn = conn.client("cloudformation")
    found = stacks.require(cfn, stack)
    if env is None and accounts.bound(app):
        accounts.check_recorded(conn, app, stacks.template_of(cfn, stack))
    return conn, found


def on_one_stack(func: F) -> F:
    """What every command that reads one deployed stack takes: STACK, `--output` (text or
    json), the connection options and the config."""
    for decorate in (config_option, connection_options, output_option(), click.argument("stack")):
        func = decorate(func)
    return func


def env_into_stack(phase: bool = True, markdown: bool = False) -> Callable[[F], F]:
    """What every command that puts ENV into STACK takes (plan, preflight, deploy, rollback):
    STACK ENV, `--phase` (if `phase`), `--output` (markdown too if `markdown`), the connection
    options and the config. A command's own options go between this and the function."""
    shared = [config_option, connection_options, output_option(markdown)]
    arguments = [*([phase_option] if phase else []), click.argument("env"), click.argument("stack")]

    def decorate(func: F) -> F:
        for one in shared:
            func = one(func)
        for one in arguments:
            func = one(func)
        return func

    return decorate


def target_connection(
    env: str,
    phase: int | None,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
) -> tuple[config.Target, Connection]:
    """ENV at --phase (in the --region given, else the environment's), and the connection
    to its account, checked (`reach_target`)."""
    tgt = target(env, phase, config_path, region=conn_args[2])
    return tgt, reach_target(conn_args, tgt)


def stack_client(
    stack: str, conn_args: tuple[bool, str | None, str | None], config_path: Path | None
) -> tuple[dict[str, Any], Any]:
    """The deployed stack (StackNotFound, one line, if there is none) and the CloudFormation
    client that found it, in the config's Region unless --region says otherwise."""
    conn, found = stack_connection(stack, conn_args, config_path)
    return found, conn.client("cloudformation")


class OutputFormat(click.Choice[str]):
    """text, json, and markdown where a person reads the answer in a pull request. `table`,
    the old name of text (cost, forecast), is still understood, and not offered."""

    def __init__(self, markdown: bool) -> None:
        super().__init__([f for f in render.FORMATS if markdown or f != "markdown"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "table":
            render.note("--output table is now called --output text")
            return "text"
        return super().convert(value, param, ctx)


def output_option(markdown: bool = False) -> Callable[[F], F]:
    """`--output` (text, json, markdown if `markdown`); the command runs printing in it, and
    is passed its name as `output`."""

    def decorate(func: F) -> F:
        @click.option(
            "--output",
            type=OutputFormat(markdown),
            default="text",
            show_default=True,
            help="json: one object on stdout, see docs/schemas/"
            + ("; markdown: for a pull request." if markdown else "."),
        )
        @functools.wraps(func)
        def wrapper(*args: Any, output: str, **kw: Any) -> Any:
            with render.output_format(output):
                return func(*args, output=output, **kw)

        return wrapper  # type: ignore[return-value]

    return decorate


#: The builders `--builder` names (appstack.images.builders.BUILDERS, kept light here).
BUILDERS = ("docker", "podman", "buildah")


def build_options(func: F) -> F:
    """`--build [DIR]` and `--builder`: the command is passed `build`, an
    `appstack.deploy.images.Build` or None."""

    @click.option(
        "--build",
        "build_dir",
        is_flag=False,
        flag_value=".",
        default=None,
        metavar="[DIR]",
        type=SafePath(file_okay=False, path_type=Path),
        help="Build DIR/Dockerfile (default DIR: .), push it and deploy its digest.",
    )
    @click.option(
        "--builder",
        type=click.Choice(BUILDERS),
        default=None,
        help="Builder (default: the first of docker, podman, buildah found).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, build_dir: Path | None, builder: str | None, **kw: Any) -> Any:
        if builder is not None and build_dir is None:
            raise click.UsageError("--builder names the builder of --build; pass --build too")
        build = None
        if build_dir is not None:
            from appstack.deploy.images import Build

            build = Build(build_dir, builder)
        return func(*args, build=build, **kw)

    return wrapper  # type: ignore[return-value]
