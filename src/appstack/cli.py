"""The command line: parse, call one layer, render. No AWS or template logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from appstack import __version__, config, render, synth
from appstack.errors import AppstackError, UsageError
from appstack.init_file import INIT_TEXT

_CONFIG_OPTION = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (default: ./appstack.yaml, or built-in defaults).",
)
_PHASE_OPTION = click.option(
    "--phase", "-p", type=int, default=None, help="Phase 1-4 (default: the environment's `phase`)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="appstack")
def cli() -> None:
    """appstack: a production-grade AWS environment for one containerized web application,
    deployed phase by phase."""


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.argument(
    "path", type=click.Path(dir_okay=False, path_type=Path), default=Path(config.DEFAULT_FILE)
)
def init(path: Path, force: bool) -> None:
    """Write a commented appstack.yaml with the defaults."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists already; edit it, or pass --force to overwrite it")
    path.write_text(INIT_TEXT, encoding="utf-8")
    render.success(f"wrote {path}")


@cli.command(name="synth")
@click.argument("env")
@_PHASE_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Directory for the template.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True
)
@_CONFIG_OPTION
def synth_command(
    env: str, phase: int | None, out_dir: Path, fmt: Any, config_path: Path | None
) -> None:
    """Write the CloudFormation template of ENV and print its path."""
    target = config.resolve(config.load(config_path), env, phase)
    path = synth.write(target, out_dir, fmt)
    render.info(str(path))


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="appstack", standalone_mode=False)
    except click.exceptions.Abort:
        render.error("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except AppstackError as exc:
        render.error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        render.error("interrupted")
        sys.exit(130)
