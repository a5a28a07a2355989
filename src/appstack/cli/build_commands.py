"""`appstack init` and `appstack synth`: write a config, write a template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import config, render, synth
from appstack.cli.options import (
    OutputDir,
    OutputFile,
    all_option,
    config_option,
    phase_option,
    select_targets,
)
from appstack.errors import UsageError
from appstack.init_file import INIT_TEXT


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.argument("path", type=OutputFile(), default=Path(config.DEFAULT_FILE))
def init(path: Path, force: bool) -> None:
    """Write a commented appstack.yaml with the defaults."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists already; edit it, or pass --force to overwrite it")
    try:
        path.write_text(INIT_TEXT, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    render.success(f"wrote {path}")


@click.command(name="synth")
@click.argument("env", required=False)
@phase_option
@all_option
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=OutputDir(),
    default=Path("build"),
    show_default=True,
    help="Directory for the template.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True
)
@config_option
def synth_command(
    env: str | None,
    phase: int | None,
    all_targets: bool,
    out_dir: Path,
    fmt: Any,
    config_path: Path | None,
) -> None:
    """Write the CloudFormation template of ENV (or of --all) and print each path."""
    for one in select_targets(env, phase, all_targets, config_path):
        try:
            written = synth.write(one, out_dir, fmt)
        except OSError as exc:
            raise UsageError(f"cannot write {exc.filename or out_dir}: {exc.strerror}") from None
        render.info(str(written))


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(synth_command)
