"""`appstack synth`: write the CloudFormation template of an environment (or of all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import (
    OutputDir,
    all_option,
    config_option,
    output_option,
    phase_option,
    select_targets,
)
from appstack.errors import UsageError


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
@output_option()
@config_option
def synth_command(
    env: str | None,
    phase: int | None,
    all_targets: bool,
    out_dir: Path,
    fmt: Any,
    output: str,
    config_path: Path | None,
) -> None:
    """Write the CloudFormation template of ENV (or of --all) and print each path."""
    from appstack import synth

    templates = []
    for one in select_targets(env, phase, all_targets, config_path):
        try:
            written = synth.write(one, out_dir, fmt)
        except OSError as exc:
            raise UsageError(f"cannot write {exc.filename or out_dir}: {exc.strerror}") from None
        render.info(str(written))  # as each is written (on stderr with --output json)
        templates.append({"environment": one.env_name, "phase": one.phase, "path": str(written)})
    if output == "json":
        render.json_document({"templates": templates})
