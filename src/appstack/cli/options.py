"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import config

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
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


def target(env: str, phase: int | None, config_path: Path | None) -> config.Target:
    """Load the config and pick one environment at one phase."""
    return config.resolve(config.load(config_path), env, phase)
