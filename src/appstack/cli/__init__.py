"""The command line: parse, call one layer, render. No AWS or template logic lives here.

Each group of commands lives in its own module and registers itself on `cli` through
`register(cli)`; `main` turns appstack's typed errors into messages and exit codes.
"""

from __future__ import annotations

import sys

import click
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from appstack import __version__, render
from appstack.cli import (
    build_commands,
    check_commands,
    deploy_commands,
    estimate_commands,
    local_commands,
)
from appstack.errors import AppstackError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="appstack")
def cli() -> None:
    """appstack: a production-grade AWS environment for one containerized web application,
    deployed phase by phase."""


for _module in (
    build_commands,
    check_commands,
    estimate_commands,
    deploy_commands,
    local_commands,
):
    _module.register(cli)


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
    except (BotoCoreError, ClientError, ResponseParserError) as exc:
        render.error(f"AWS answered: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        render.error("interrupted")
        sys.exit(130)
