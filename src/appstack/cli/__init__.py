"""The command line: parse, call one layer, render. No AWS or template logic lives here.

Each command lives in its own module, `appstack.cli.commands.<name>`, found through
`COMMANDS`; `main` turns appstack's typed errors into messages and exit codes.
"""

from __future__ import annotations

import gc
import importlib
import sys

import click

from appstack import __version__, render
from appstack.errors import AppstackError

#: Every command (`appstack --help` lists them alphabetically). Each is defined in the module
#: of its name, `appstack.cli.commands.<name>`, loaded only when the command runs or help lists
#: it. Command modules import their layers inside the command, so `appstack --help` loads
#: click and rich alone and `appstack synth` never pays for boto3, moto or cfn-lint. A new
#: command is one module there and one name here.
COMMANDS: tuple[str, ...] = (
    "init",
    "synth",
    "validate",
    "cost",
    "forecast",
    "diagram",
    "plan",
    "preflight",
    "build",
    "deploy",
    "rollback",
    "status",
    "outputs",
    "events",
    "watch",
    "recover",
    "secret",
    "logs",
    "exec",
    "destroy",
    "local",
    "drift",
    "ci",
    "baseline",
)


def command(name: str) -> click.Command:
    """The command `name`, from the module of its name."""
    module = importlib.import_module(f"appstack.cli.commands.{name}")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, click.Command) and value.name == name
    ]
    if len(found) != 1:
        raise LookupError(f"{module.__name__} defines {len(found)} commands named {name!r}")
    return found[0]


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return command(cmd_name) if cmd_name in COMMANDS else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="appstack")
def cli() -> None:
    """appstack: a production-grade AWS environment for one containerized web application,
    deployed phase by phase."""


#: How many younger collections pass before the collector walks every object again (the
#: interpreter's default is 10). A command loads modules, botocore's service models and
#: pydantic's validators that live as long as the process, and each full collection walks
#: them all: about 0.07 s of a deploy at the default. Young objects are collected as often.
FULL_COLLECTION_AFTER = 1000


def run() -> None:
    """The `appstack` program (its console script, and `python -m appstack`): `main` in a
    process of its own. Full collections are rarer while it runs, and once it is done what it
    made is left out of the collections the interpreter runs while it shuts down (about 0.1 s
    of a deploy): reference counting still frees it, and an object in a reference cycle is
    left to the end of the process, which releases its memory. Every file the command wrote
    is closed by then (`with` blocks), every answer printed."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
    try:
        main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="appstack", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C while a command ran
            render.error("interrupted")
        else:  # a confirmation answered no (or Ctrl-C at its prompt): the user's choice
            render.note("not confirmed: stopped before making the change")
        sys.exit(130)
    except click.UsageError as exc:  # one line, like appstack's own usage errors
        help_hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
        render.error(" ".join(exc.format_message().split()) + help_hint)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        render.error(exc.format_message())
        sys.exit(exc.exit_code)
    except AppstackError as exc:
        render.error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        render.error("interrupted")
        sys.exit(130)
    except OSError as exc:
        if exc.filename is None:  # not a path: a bug, or the network (botocore wraps that)
            raise
        # A path the user named that the system refused (too long a name, no permission).
        render.error(f"{exc.filename}: {exc.strerror or exc}")
        sys.exit(2)
    except Exception as exc:
        # botocore's errors (ClientError, BotoCoreError, ResponseParserError), matched by
        # module so that commands which never talk to AWS need not import botocore.
        if not type(exc).__module__.startswith("botocore"):
            raise
        render.error(f"AWS answered: {exc}")
        sys.exit(1)
