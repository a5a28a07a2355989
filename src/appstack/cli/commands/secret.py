"""`appstack secret set|list`: the values of the application's own secrets (`secrets:`).

A value is read from a hidden prompt, or from stdin when stdin is not a terminal; never from
the command line (argv is visible to every process of the machine and kept in shell
history). Nothing prints a value.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.options import config_option, connection_options, env_connection, output_option
from appstack.errors import UsageError

if TYPE_CHECKING:
    from appstack import config as config_module
    from appstack.deploy.secret_values import StoredSecret

stack_option = click.option(
    "--stack", default=None, help="Stack name (default: <application_name>-<ENV>)."
)


@click.group()
def secret() -> None:
    """The application's own secrets: `secrets:` in appstack.yaml, one value per environment."""


def _app_and_stack(
    env: str, stack: str | None, config_path: Path | None
) -> tuple[config_module.AppConfig, str]:
    from appstack import config

    app = config.load(config_path)
    if env not in app.environments:
        raise UsageError(
            f"unknown environment {env!r}; {app.source} defines {', '.join(app.environments)}"
        )
    return app, stack or app.stack_name(env)


def _read_value(name: str) -> str:
    """The value: typed at a hidden prompt (twice), or all of stdin less one final newline."""
    if sys.stdin.isatty():
        typed: str = click.prompt(
            f"Value of {name}", hide_input=True, confirmation_prompt=True, err=True
        )
        return typed
    text = sys.stdin.read()
    return text[:-1] if text.endswith("\n") else text


@secret.command(name="set")
@click.argument("env")
@click.argument("name")
@stack_option
@output_option()
@connection_options
@config_option
def set_value(
    env: str, name: str, stack: str | None, output: str, conn_args: Any, config_path: Path | None
) -> None:
    """Give secret NAME of ENV a new value (from a hidden prompt or stdin), then roll the
    service so that its tasks read it."""
    from appstack import config
    from appstack.deploy import secret_values

    app, stack_name = _app_and_stack(env, stack, config_path)
    try:
        config.secret_name_problem(name)
    except ValueError as exc:
        raise UsageError(f"NAME: {exc}") from None
    if name not in app.secrets:
        raise UsageError(
            f"{name} is not in `secrets:` of {app.source}; add it there and deploy "
            f"(appstack deploy {stack_name} {env}), then set its value"
        )
    value = _read_value(name)
    rolled = secret_values.put(env_connection(conn_args, app, env), stack_name, env, name, value)
    if output == "json":
        render.json_document(
            {
                "stack": stack_name,
                "name": name,
                "version": rolled.version,
                "service": rolled.service,
                "deployment": rolled.deployment,
            }
        )
        return
    render.success(
        f"{name} of {stack_name} set (version {rolled.version}); service {rolled.service} "
        f"is rolling its tasks to read it (deployment {rolled.deployment})"
    )


@secret.command(name="list")
@click.argument("env")
@stack_option
@output_option()
@connection_options
@config_option
def list_values(
    env: str, stack: str | None, output: str, conn_args: Any, config_path: Path | None
) -> None:
    """The secrets of ENV: names, whether each has a value, and dates; never a value."""
    from appstack.deploy import secret_values

    app, stack_name = _app_and_stack(env, stack, config_path)
    conn = env_connection(conn_args, app, env)
    found = {s.name: s for s in secret_values.listing(conn, stack_name)}
    rows = [_row(env, name, found.get(name), name in app.secrets)
            for name in sorted(set(found) | set(app.secrets))]  # fmt: skip
    if output == "json":
        render.json_document({"stack": stack_name, "secrets": rows})
        return
    render.table(
        f"Secrets of {stack_name}",
        ["name", "value", "created", "last changed"],
        [[r["name"], r["state"], r["created"] or "-", r["last_changed"] or "-"] for r in rows],
    )


def _row(env: str, name: str, stored: StoredSecret | None, configured: bool) -> dict[str, Any]:
    if stored is None:
        state = "not deployed yet"
    elif not configured:
        state = "kept, no longer in secrets:"
    else:
        state = "set" if stored.has_value else f"not set: appstack secret set {env} {name}"
    return {
        "name": name,
        "state": state,
        "has_value": bool(stored and stored.has_value),
        "created": stored.created.isoformat() if stored and stored.created else None,
        "last_changed": stored.changed.isoformat() if stored and stored.changed else None,
    }
