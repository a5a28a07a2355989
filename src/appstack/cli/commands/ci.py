"""`appstack ci github|bootstrap`: continuous delivery from pull requests, on GitHub Actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import __version__, render
from appstack.cli.commands.deploy import SKIP_VALIDATE
from appstack.cli.options import (
    SafePath,
    config_option,
    connection_options,
    output_option,
    reach_target,
    target,
)

DEFAULT_WORKFLOW = Path(".github/workflows/appstack.yml")
branch_option = click.option(
    "--branch", default="main", show_default=True, help="The branch pull requests merge into."
)


@click.group()
def ci() -> None:
    """Plan on every pull request, deploy on merge: GitHub Actions with OIDC, no stored keys."""


@ci.command()
@branch_option
@click.option(
    "--out",
    "-o",
    type=SafePath(dir_okay=False, path_type=Path),
    default=DEFAULT_WORKFLOW,
    show_default=True,
    help="The workflow file to write (its directory is made if missing).",
)
@click.option(
    "--install",
    default=f"appstack=={__version__}",
    show_default=True,
    help="What the jobs pip install to run appstack.",
)
@output_option()
@config_option
def github(branch: str, out: Path, install: str, output: str, config_path: Path | None) -> None:
    """Write the GitHub Actions workflow: `appstack plan --output markdown` as a comment on
    each pull request, and a deploy of each environment on merge, production behind the
    GitHub environment of its name (give it required reviewers)."""
    from appstack import config
    from appstack.ci import workflow

    app = config.load(config_path)
    text = workflow.github(app, branch, install)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    production = workflow.production_environments(app)
    if output == "json":
        render.json_document({"path": str(out), "production": production})
        return
    render.success(f"wrote {out}")
    for env in production:
        render.note(
            f"in the repository's settings, give the GitHub environment {env!r} required "
            f"reviewers and limit its deployment branches to {branch}"
        )
    render.note("then for each environment: appstack ci bootstrap ENV --repository OWNER/NAME")


@ci.command()
@click.argument("env")
@click.option("--repository", required=True, metavar="OWNER/NAME", help="The GitHub repository.")
@branch_option
@click.option(
    "--existing-provider",
    default="",
    metavar="ARN",
    help="The account's OIDC provider for GitHub, if it has one already (one per account).",
)
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@output_option()
@SKIP_VALIDATE
@connection_options
@config_option
def bootstrap(
    env: str,
    repository: str,
    branch: str,
    existing_provider: str,
    yes: bool,
    output: str,
    skip_validate: bool,
    conn_args: Any,
    config_path: Path | None,
) -> None:
    """Deploy ENV's CI access stack (<stack>-ci): GitHub's OIDC provider, a plan role for
    pull requests and a deploy role for BRANCH, with what appstack's calls need on ENV's
    stack alone."""
    from appstack.ci import access
    from appstack.cli.commands.deploy import show
    from appstack.cli.terminal import Terminal
    from appstack.deploy import workflow

    tgt = target(env, None, config_path, region=conn_args[2])
    conn = reach_target(conn_args, tgt)
    template = access.for_environment(tgt, repository, branch, existing_provider)
    request = workflow.Request(
        access.stack_name(tgt),
        tgt,
        template,
        yes=yes,
        validate=not skip_validate,
        preflight=False,
    )
    show(workflow.run(conn, request, Terminal()), output)
