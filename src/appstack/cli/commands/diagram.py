"""`appstack diagram`: draw an environment (Mermaid, PNG or SVG)."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import render
from appstack.cli.options import OutputFile, config_option, output_option, phase_option, target


@click.command(name="diagram")
@click.argument("env")
@phase_option
@click.option(
    "-o",
    "--out",
    "out_file",
    type=OutputFile(),
    required=True,
    help="FILE.mmd (Mermaid), FILE.png or FILE.svg (need Graphviz and `diagrams`).",
)
@output_option()
@config_option
def diagram_command(
    env: str, phase: int | None, out_file: Path, output: str, config_path: Path | None
) -> None:
    """Draw ENV: VPC, subnets and tiers; what this phase adds is highlighted."""
    from appstack import blueprint
    from appstack.phases import capabilities
    from appstack.render import diagram

    goal = target(env, phase, config_path)
    template = blueprint.to_dict(blueprint.build(goal))
    before = set(capabilities(goal.phase - 1, goal.env.features)) if goal.phase > 1 else set()
    picture = diagram.build(template, set(goal.capabilities) - before)
    path = diagram.write(picture, out_file, f"{goal.stack_name} phase {goal.phase}")
    if output == "json":
        render.json_document({"path": str(path)})
    else:
        render.info(str(path))
