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
    if all_targets:
        app = config.load(config_path)
        without_vpn_address = [
            name
            for name, settings in app.environments.items()
            if settings.features.get("vpn", True) and settings.vpn.customer_gateway_ip is None
        ]
        if without_vpn_address:
            from appstack import render

            render.note(
                f"phases 3-4 of {', '.join(without_vpn_address)} left out: the VPN needs "
                "`vpn.customer_gateway_ip` (or switch it off with `features: {vpn: false}`)"
            )
        return buildable_targets(app)
    if env:
        return [target(env, phase, config_path)]
    raise click.UsageError("name an environment, or pass --all")


def target(env: str, phase: int | None, config_path: Path | None) -> config.Target:
    """Load the config and pick one environment at one phase."""
    return config.resolve(config.load(config_path), env, phase)


def buildable_targets(app: config.AppConfig) -> list[config.Target]:
    """Every environment at every phase this version can build (the VPN needs its address)."""
    from appstack.phases import PHASES, capabilities

    return [
        config.resolve(app, env, phase)
        for env, settings in app.environments.items()
        for phase in PHASES
        if not (
            "vpn" in capabilities(phase, settings.features)
            and settings.vpn.customer_gateway_ip is None
        )
    ]
