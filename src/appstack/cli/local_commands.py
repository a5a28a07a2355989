"""`appstack local start|stop|status`: the local AWS emulator."""

from __future__ import annotations

import click

from appstack import render
from appstack.local import emulator

port_option = click.option(
    "--port", type=int, default=None, help="Port (default: APPSTACK_LOCAL_PORT or 4599)."
)


@click.group()
def local() -> None:
    """The local AWS emulator (moto) on 127.0.0.1."""


@local.command()
@port_option
def start(port: int | None) -> None:
    """Start the emulator in the background."""
    render.success(f"emulator at {emulator.start(port).endpoint}")


@local.command()
@port_option
def stop(port: int | None) -> None:
    """Stop the emulator."""
    render.success("emulator stopped" if emulator.stop(port) else "emulator was not running")


@local.command(name="status")
@port_option
def status_command(port: int | None) -> None:
    """Whether the emulator runs, and the types it records without creating them."""
    current = emulator.status(port)
    state = "running" if current.running else "stopped"
    render.info(f"emulator {state} at {current.endpoint}")
    render.table(
        "Recorded only (no emulated service): a physical ID, nothing behind it",
        ["resource type"],
        [[t] for t in _placeholder_types()],
    )


def register(group: click.Group) -> None:
    group.add_command(local)


def _placeholder_types() -> tuple[str, ...]:
    from appstack.local.models import PLACEHOLDER_TYPES  # imports moto: only when asked

    return PLACEHOLDER_TYPES
