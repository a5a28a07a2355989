"""`appstack local start|stop|status`: the local AWS emulator."""

from __future__ import annotations

import math
from typing import Any

import click

from appstack import render
from appstack.cli.options import output_option
from appstack.local import emulator
from appstack.local import registry as oci


class FiniteFactor(click.FloatRange):
    """A factor of 0 or more that is a number (click's FloatRange lets nan and inf through)."""

    name = "factor"

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        factor = super().convert(value, param, ctx)
        if not math.isfinite(factor):
            self.fail(f"{value!r} is not a number; pass 0 (instant) or more", param, ctx)
        return factor


port_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (default: APPSTACK_LOCAL_PORT or 4599).",
)


@click.group()
def local() -> None:
    """The local AWS emulator (moto) on 127.0.0.1."""


def _scale(seconds: float) -> str:
    return "instant" if not seconds else f"time scale {seconds:g}"


def _document(current: emulator.Emulator, **more: object) -> None:
    """The emulator as one JSON object (`--output json`)."""
    render.json_document(
        {
            "running": current.running,
            "endpoint": current.endpoint,
            "port": current.port,
            "pid": current.pid,
            "time_scale": current.time_scale,
            "registry": current.registry,
            **more,
        }
    )


@local.command()
@port_option
@click.option(
    "--time-scale",
    type=FiniteFactor(),
    default=None,
    help="Each resource takes its typical duration times this (default 0: instant).",
)
@output_option()
def start(port: int | None, time_scale: float | None, output: str) -> None:
    """Start the emulator in the background (its AWS state starts empty)."""
    was = emulator.status(port)
    current = emulator.start(port, time_scale=time_scale)
    if output == "json":
        _document(current, already_running=was.running)
        return
    if was.running:
        render.success(
            f"emulator already running at {current.endpoint} ({_scale(current.time_scale)})"
        )
        if time_scale is not None and time_scale != current.time_scale:
            render.note("stop it first to change its time scale: appstack local stop")
        return
    render.success(f"emulator at {current.endpoint} ({_scale(current.time_scale)})")
    render.note(
        "it starts empty: its stacks and resources live in memory and are lost when it stops"
    )
    render.note(_registry_line(current))


@local.command()
@port_option
@output_option()
def stop(port: int | None, output: str) -> None:
    """Stop the emulator (its stacks and resources are lost)."""
    stopped = emulator.stop(port)
    if output == "json":
        render.json_document({"stopped": stopped, "port": emulator.port_from_env(port)})
        return
    render.success("emulator stopped" if stopped else "emulator was not running")


@local.command(name="status")
@port_option
@output_option()
def status_command(port: int | None, output: str) -> None:
    """Whether the emulator runs, and the types it records without creating them."""
    current = emulator.status(port)
    if output == "json":
        _document(current, recorded_only=list(_placeholder_types()))
        return
    if current.running:
        render.info(
            f"emulator running at {current.endpoint} ({_scale(current.time_scale)}, "
            f"pid {current.pid}; log {emulator.log_file(current.port)})"
        )
        render.note(_registry_line(current))
    else:
        render.info(f"emulator stopped at {current.endpoint}")
    render.table(
        "Recorded only (no emulated service): a physical ID, nothing behind it",
        ["resource type"],
        [[t] for t in _placeholder_types()],
    )


def _registry_line(current: emulator.Emulator) -> str:
    """Where the emulator's ECR pushes go, or how to get a registry."""
    if current.registry:
        return f"images pushed to its ECR go to the local registry at {current.registry}"
    return (
        "no local registry (so no --build against the emulator): "
        f"{oci.INSTALL}, then restart the emulator"
    )


def _placeholder_types() -> tuple[str, ...]:
    from appstack.local.models import PLACEHOLDER_TYPES  # imports moto: only when asked

    return PLACEHOLDER_TYPES
