"""`appstack build`: build ENV's image from DIR/Dockerfile and push it to its stack's
repository, without deploying it."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import render
from appstack.cli.options import (
    BUILDERS,
    SafePath,
    config_option,
    connection_options,
    output_option,
    target_connection,
)


@click.command()
@click.argument("env")
@click.argument(
    "directory",
    default=".",
    type=SafePath(file_okay=False, path_type=Path),
)
@click.option("--stack", default=None, help="Stack whose repository takes it (default: APP-ENV).")
@click.option(
    "--builder",
    type=click.Choice(BUILDERS),
    default=None,
    help="Builder (default: the first of docker, podman, buildah found).",
)
@output_option()
@connection_options
@config_option
def build(
    env: str,
    directory: Path,
    stack: str | None,
    builder: str | None,
    output: str,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
) -> None:
    """Build DIR/Dockerfile (default DIR: .) and push it to the repository of ENV's stack;
    `appstack deploy STACK ENV --build` also deploys it."""
    from appstack.cli.terminal import Terminal
    from appstack.deploy import images, stacks

    tgt, conn = target_connection(env, None, conn_args, config_path)
    name = stack or tgt.stack_name
    repository = images.require_repository(name, stacks.current(conn, name))
    shows = Terminal()
    built = images.build_shown(images.Build(directory, builder), tgt.app.application_name, shows)
    pushed = images.push_shown(conn, built, repository, images.sign_in(conn), shows)
    if output == "json":
        render.json_document(
            {
                "stack": name,
                "image": pushed.reference,
                "tag": pushed.tag,
                "digest": pushed.digest,
                "size_bytes": pushed.size,
                "builder": built.builder.name,
            }
        )
    else:
        render.info(pushed.reference)
