"""`appstack init`: write a commented config with the defaults."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import render
from appstack.cli.options import OutputFile, output_option
from appstack.errors import UsageError


def _default_file() -> Path:
    """The config's default file, read when the command runs (the config loads pydantic,
    and `appstack --help` loads every command module)."""
    from appstack import config

    return Path(config.DEFAULT_FILE)


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.argument("path", type=OutputFile(), default=_default_file)
@output_option()
def init(path: Path, force: bool, output: str) -> None:
    """Write a commented appstack.yaml with the defaults."""
    from appstack.init_file import INIT_TEXT

    if path.exists() and not force:
        raise UsageError(f"{path} exists already; edit it, or pass --force to overwrite it")
    try:
        path.write_text(INIT_TEXT, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    if output == "json":
        render.json_document({"path": str(path)})
    else:
        render.success(f"wrote {path}")
