"""`appstack validate`: cfn-lint and appstack's own rules over the synthesized templates."""

from __future__ import annotations

from pathlib import Path

import click

from appstack import render
from appstack.cli.options import (
    all_option,
    config_option,
    output_option,
    phase_option,
    select_targets,
)
from appstack.errors import AppstackError


class ValidationFailed(AppstackError):
    exit_code = 1


@click.command(name="validate")
@click.argument("env", required=False)
@phase_option
@all_option
@click.option("--no-scan", is_flag=True, help="Skip checkov (cfn-lint and own rules only).")
@output_option(markdown=True)
@config_option
def validate_command(
    env: str | None,
    phase: int | None,
    all_targets: bool,
    no_scan: bool,
    output: str,
    config_path: Path | None,
) -> None:
    """Check ENV's template (or --all) with cfn-lint, appstack's rules and checkov.

    Exits 1 on any error or warning."""
    from appstack import synth
    from appstack.checks.validate import validate_many  # cfn-lint is slow to import: only here

    targets = select_targets(env, phase, all_targets, config_path)
    reports = validate_many([(t, synth.template(t)) for t in targets], scan=not no_scan)
    failed = [r for r in reports if not r.ok]
    if output == "json":
        render.json_document(
            {
                "ok": not failed,
                "templates": [
                    {
                        "stack": r.target.stack_name,
                        "environment": r.target.env_name,
                        "phase": r.target.phase,
                        "ok": r.ok,
                        "findings": r.findings,
                    }
                    for r in reports
                ],
            }
        )
    rows = [
        (
            f"{r.target.env_name}/{r.target.phase}",
            f.rule,
            f.severity,
            f.resource or "-",
            f.message,
            f.fix,
        )
        for r in reports
        for f in r.findings
    ]
    if rows:
        render.table(
            "Findings", ["env/phase", "id", "severity", "resource", "message", "fix"], rows
        )
    for report in reports:
        status = "ok" if report.ok else render.plural(len(report.findings), "finding")
        render.info(f"{report.target.stack_name} phase {report.target.phase}: {status}")
    if failed:
        raise ValidationFailed(
            f"{len(failed)} of {render.plural(len(reports), 'template')} did not pass"
        )
