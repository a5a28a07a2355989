"""`appstack deploy`: ENV at a phase as STACK, through a change set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from appstack import render
from appstack.cli.durations import Duration
from appstack.cli.options import (
    build_options,
    can_confirm,
    env_into_stack,
    reach,
    reach_target,
    target,
)
from appstack.errors import UsageError

if TYPE_CHECKING:
    from appstack import config
    from appstack.deploy import workflow
    from appstack.deploy.images import Build
    from appstack.deploy.regions import RegionResult

SKIP_VALIDATE = click.option(
    "--skip-validate", is_flag=True, help="Deploy without cfn-lint, rules and checkov (loudly)."
)
CONTINUE_ON_ERROR = click.option(
    "--continue-on-error",
    is_flag=True,
    help="An environment in several Regions: deploy the others when one fails its checks.",
)


def deploy_as(
    stack: str,
    env: str,
    phase: int | None,
    conn_args: tuple[bool, str | None, str | None],
    config_path: Path | None,
    output: str,
    skip_validate: bool,
    continue_on_error: bool = False,
    build: Build | None = None,
    timeout: float | None = None,
    **allowed: bool,
) -> None:
    """Parse, run the workflow, render: `allowed` holds yes, allow_data_loss, allow_outage
    and going_down, as the workflow's request takes them; `timeout` bounds the wait. An
    environment in several Regions (and no --region) is deployed to each at once."""
    from appstack import synth
    from appstack.cli.terminal import Terminal
    from appstack.deploy import workflow

    tgt = target(env, phase, config_path, region=conn_args[2])
    if conn_args[2] is None and len(tgt.regions) > 1:
        if build is not None:
            raise UsageError(
                f"--build deploys one Region; {env} is in {', '.join(tgt.regions)}: build "
                "and deploy one with --region, then the others by the digest it pushed"
            )
        _in_regions(
            stack, tgt, conn_args, output, skip_validate, continue_on_error, timeout, **allowed
        )
        return
    conn = reach_target(conn_args, tgt)
    request = workflow.Request(
        stack,
        tgt,
        synth.template(tgt),
        validate=not skip_validate,
        build=build,
        timeout=timeout,
        **allowed,
    )
    show(workflow.run(conn, request, Terminal()), output)


def show(result: workflow.Result, output: str) -> None:
    """A deploy's result (JSON: the stack, its status and outputs); exit 1 if it failed."""
    from appstack.deploy import stacks

    stack = result.stack
    if output == "json":
        document = {"stack": stack, "status": result.status, "outputs": result.outputs}
        if result.pushed is not None:
            document["image"] = result.pushed.reference
        render.json_document(document)
    render.deployed(stack, result.outcome, output)
    if not result.ok:
        raise stacks.DeployError(f"deploy of {stack} failed and was rolled back")


def _in_regions(
    stack: str,
    tgt: config.Target,
    conn_args: tuple[bool, str | None, str | None],
    output: str,
    skip_validate: bool,
    continue_on_error: bool,
    timeout: float | None,
    yes: bool = False,
    **allowed: Any,
) -> None:
    """Deploy `tgt` to each of its Regions at once (see `appstack.deploy.regions`), one
    progress view for all; the account is checked once."""
    import threading

    from appstack import config, synth
    from appstack.cli.terminal import RegionTerminal
    from appstack.deploy import regions, workflow
    from appstack.render.regions import RegionsProgress

    names = list(tgt.regions)
    can_confirm(yes, "deploy")
    gate = regions.Gate(names, continue_on_error)
    if not yes:
        question = f"Deploy these changes to {stack} in {', '.join(names)}?"
        gate.decide = lambda: click.confirm(question, default=False)
    conns = {r: reach(conn_args, tgt.env_name, tgt.env, r, check=r == names[0]) for r in names}
    view, lock = RegionsProgress(), threading.Lock()

    def deploy(region: str) -> workflow.Result:
        goal = config.resolve(config.in_region(tgt.app, region), tgt.env_name, tgt.phase)
        template = synth.template(goal)
        request = workflow.Request(
            stack, goal, template, validate=not skip_validate, timeout=timeout, **allowed
        )
        return workflow.run(conns[region], request, RegionTerminal(region, gate, view, lock))

    results = regions.run(names, deploy, gate)
    _report(stack, results, gate.failed, output)


def _report(stack: str, results: list[RegionResult], failed: list[str], output: str) -> None:
    """Each Region's outcome; exit 1 when one did not deploy."""
    from appstack.deploy import stacks, workflow

    rows: list[dict[str, Any]] = []
    for done in results:
        problem = None if done.error is None else str(done.error)
        if isinstance(done.error, workflow.Declined) and failed:
            problem = (
                f"not deployed: {', '.join(failed)} failed first, nothing was changed here "
                "(--continue-on-error deploys the others)"
            )
        result = done.result
        rows.append(
            {
                "region": done.region,
                "status": result.status if result else "NOT_DEPLOYED",
                "outputs": result.outputs if result else {},
                "error": problem,
            }
        )
        if output == "json":
            continue
        if problem is not None or result is None:
            render.error(f"{done.region}: {problem}")
        elif result.outcome is None:
            render.success(f"{stack} in {done.region}: no changes")
        else:
            render.outcome(result.outcome)
    if output == "json":
        first = rows[0]
        answer = {"stack": stack, "status": first["status"], "outputs": first["outputs"]}
        render.json_document({**answer, "regions": rows})
    bad = [done.region for done in results if not done.ok]
    if bad:
        raise stacks.DeployError(f"deploy of {stack} did not succeed in {', '.join(bad)}")


@click.command()
@env_into_stack()
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option("--allow-data-loss", is_flag=True, help="Allow deleting or replacing stored data.")
@click.option(
    "--allow-outage", is_flag=True, help="Allow changes that interrupt users (named in the plan)."
)
@click.option(
    "--timeout",
    type=Duration(),
    default=None,
    help="Stop waiting after this long (10m, 1h); the operation goes on in CloudFormation.",
)
@SKIP_VALIDATE
@CONTINUE_ON_ERROR
@build_options
def deploy(stack: str, env: str, **kw: Any) -> None:
    """Deploy ENV (at --phase) as STACK through a change set; with --build, the image built
    from DIR/Dockerfile, by its digest."""
    deploy_as(stack, env, **kw)
