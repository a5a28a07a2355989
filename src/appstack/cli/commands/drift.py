"""`appstack drift`: what changed in a stack's resources outside CloudFormation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appstack import render
from appstack.cli.options import on_one_stack, stack_client


@click.command()
@on_one_stack
def drift(stack: str, output: str, conn_args: Any, config_path: Path | None) -> None:
    """Run drift detection on STACK: each drifted resource and property, expected against
    actual. Its result is what plan and deploy warn about afterwards."""
    from appstack.deploy import drift as drifts

    _, cfn = stack_client(stack, conn_args, config_path)
    report = drifts.detect(cfn, stack)
    if output == "json":
        render.json_document(report)
        return
    if report.status != "DRIFTED":
        render.success(f"{stack}: {report.status}")
        return
    rows = [
        (r.logical_id, r.status, d.path, d.expected, d.actual)
        for r in report.drifted
        for d in r.differences
    ] + [(r.logical_id, r.status, "", "", "") for r in report.drifted if not r.differences]
    render.table(
        f"{stack} has drifted", ["resource", "drift", "property", "expected", "actual"], rows
    )
    render.note(
        "a deploy does not see drift: put the change into appstack.yaml, or deploy to undo it"
    )
