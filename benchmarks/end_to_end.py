"""End-to-end deploy time as a user lives it, and the forecast of every phase and upgrade.

Usage: python benchmarks/end_to_end.py [--scale S] [--rounds N] [--aws PATH] [--forecast-only]

1. On appstack's emulator with operation time (EM207: each resource takes its type's typical
   duration from data/durations.json times S, `APPSTACK_TIME_SCALE`), a phase-1 create and a
   1 -> 2 update of dev, from the start of the command to its exit, for `appstack deploy` (every
   check, an empty validation cache: a first deploy), `aws cloudformation deploy` and a plain
   boto3 script with botocore's stock waiters (both with templates built beforehand).
   Interleaved; each stack is deleted after its round (not timed). Only the operations are
   scaled: the AWS CLI's and the waiters' 30-second polls are not.
2. `appstack forecast dev` for a create at each phase and for each upgrade, with its critical
   path (data/durations.json, unscaled minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from common import median, table

from appstack import blueprint, config
from appstack.estimates import forecast
from appstack.local import emulator
from appstack.phases import PHASES
from deploy import CHECKOV, CREDENTIALS, HERE, ROOT, Server, rotated

ENV = "dev"
#: Phase 3 needs the address of the VPN's customer gateway.
SETTINGS = {"environments": {ENV: {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
STEPS = (("create", None, 1), ("update 1 -> 2", 1, 2))
UPGRADES = ((1, 2), (2, 3), (3, 4), (1, 4))


class Emulator(Server):
    """`python -m appstack.local.server` with a time scale, registered for `deploy --local`
    (stopped as the deploy benchmark's server is)."""

    def __init__(self, work: Path, scale: float) -> None:
        super().__init__(work)
        self.scale = scale

    def __enter__(self) -> Emulator:
        log = (self.work / "emulator.log").open("ab")
        argv = [sys.executable, "-m", "appstack.local.server", "-p", str(self.port)]
        env = {**os.environ, **CREDENTIALS, "APPSTACK_TIME_SCALE": str(self.scale)}
        self.process = subprocess.Popen(argv, cwd=self.work, env=env, stdout=log, stderr=log)
        emulator.register(
            self.port, self.process.pid, argv, self.scale, directory=self.work / "state/appstack"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.endpoint, timeout=2).close()
                return self
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP answer: it is up
                    return self
                time.sleep(0.2)
        raise RuntimeError("the emulator did not start; see emulator.log")

    def cloudformation(self) -> Any:
        import boto3

        return boto3.client(
            "cloudformation",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def remove(self, stack: str) -> None:
        """Delete a measured stack and wait until it is gone (not timed): preflight counts
        the Region's VPCs against the quota of 5."""
        cfn = self.cloudformation()
        cfn.delete_stack(StackName=stack)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
            except Exception:
                return
            if status.endswith("_COMPLETE") and status.startswith("DELETE"):
                return
            time.sleep(1)


def prepare(work: Path) -> dict[int, Path]:
    """appstack's config per phase, and the templates the AWS CLI and boto3 deploy."""
    built = {}
    for phase in (1, 2):
        cfg = work / f"phase{phase}.yaml"
        data = json.loads(json.dumps(SETTINGS))
        data["environments"][ENV]["phase"] = phase
        cfg.write_text(yaml.safe_dump(data))
        app = config.load(cfg)
        template = blueprint.to_dict(blueprint.build(config.resolve(app, ENV, phase)))
        built[phase] = work / f"phase{phase}.template.json"
        built[phase].write_text(json.dumps(template, separators=(",", ":")))
    return built


def commands(
    work: Path, server: Emulator, aws: str, templates: dict[int, Path]
) -> dict[str, tuple[str, Any, dict[str, str]]]:
    """label, argv(stack, phase), environment of each contender."""
    endpoint = server.endpoint
    env = {
        **os.environ,
        **CREDENTIALS,
        "APPSTACK_LOCAL_PORT": str(server.port),
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_CACHE_HOME": str(work / "cache"),  # empty: a first deploy checks everything
    }
    env.pop("AWS_PROFILE", None)
    if CHECKOV.exists():
        env["APPSTACK_CHECKOV"] = str(CHECKOV)

    def deploy(stack: str, phase: int) -> list[str]:
        return [
            sys.executable,
            *("-m", "appstack", "deploy", stack, ENV, "--yes", "--local"),
            *("-c", str(work / f"phase{phase}.yaml")),
        ]

    appstack = ("appstack deploy (every check, first deploy)", deploy, env)
    # The templates checked before (a retry, or `appstack validate` in CI first): the same
    # checks, answered by the validation cache.
    cached = (
        "appstack deploy (every check, template checked before)",
        deploy,
        {**env, "XDG_CACHE_HOME": str(work / "checked")},
    )
    cli = (
        "aws cloudformation deploy",
        lambda stack, phase: [
            aws,
            *("cloudformation", "deploy", "--template-file", str(templates[phase])),
            *("--stack-name", stack, "--no-fail-on-empty-changeset"),
            *("--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"),
            "--parameter-overrides",
            *("EnvironmentSuffix=dev", "EnvironmentName=dev", "ApplicationName=myapp"),
            *("--endpoint-url", endpoint, "--region", "us-east-1"),
        ],
        env,
    )
    boto = (
        "boto3 + stock waiters",
        lambda stack, phase: [
            sys.executable,
            str(HERE / "plain_boto3_deploy.py"),
            *(str(templates[phase]), stack, endpoint),
        ],
        env,
    )
    return {"appstack": appstack, "appstack-cached": cached, "awscli": cli, "boto3": boto}


def check_before(work: Path, env: dict[str, str]) -> None:
    """`appstack validate` of both phases into the cache of the `appstack-cached` row."""
    for phase in (1, 2):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "appstack",
                "validate",
                ENV,
                "-c",
                str(work / f"phase{phase}.yaml"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )


def measure(work: Path, scale: float, rounds: int, aws: str) -> str:
    templates = prepare(work)
    seconds: dict[tuple[str, str], list[float]] = {}
    with Emulator(work, scale) as server:
        contenders = commands(work, server, aws, templates)
        check_before(work, contenders["appstack-cached"][2])
        for r in range(rounds):
            for key in rotated(list(contenders), r):
                _, argv, env = contenders[key]
                stack = f"e2e-{key}-{r}"
                for step, _, phase in STEPS:
                    started = time.perf_counter()
                    done = subprocess.run(
                        argv(stack, phase), cwd=work, env=env, capture_output=True, text=True
                    )
                    took = time.perf_counter() - started
                    if done.returncode != 0:
                        raise RuntimeError(f"{key} {step} failed: {done.stderr[-2000:]}")
                    seconds.setdefault((key, step), []).append(took)
                    print(f"  {key} {step}: {took:.1f} s", file=sys.stderr, flush=True)
                server.remove(stack)
    expected = {step: expected_seconds(old, new) * scale for step, old, new in STEPS}
    rows = []
    first = {step: median(seconds[("appstack", step)]) for step, _, _ in STEPS}
    for key, (label, _, _) in contenders.items():
        cells = []
        for step, _, _ in STEPS:
            took = median(seconds[(key, step)])
            cells.append(f"{took:.1f} ({took / first[step]:.2f}x)")
        rows.append((label, *cells))
    rows.append(
        ("the operation itself (forecast x scale)", *(f"{expected[s]:.1f}" for s, _, _ in STEPS))
    )
    return table(
        f"End to end on the emulator, resources at {scale:g} x their typical duration "
        f"(median of {rounds}; seconds, and the ratio to appstack)",
        ["tool", *(s for s, _, _ in STEPS)],
        rows,
    )


def templates_by_phase() -> dict[int, dict[str, Any]]:
    app = config.parse(SETTINGS)
    return {p: blueprint.to_dict(blueprint.build(config.resolve(app, ENV, p))) for p in PHASES}


def expected_seconds(old: int | None, new: int) -> float:
    built = templates_by_phase()
    return forecast.forecast(built[new], built[old] if old else None).total


def forecasts() -> str:
    built = templates_by_phase()
    cases = [(f"create phase {p}", None, p) for p in PHASES]
    cases += [(f"update {a} -> {b}", a, b) for a, b in UPGRADES]
    rows = []
    for label, old, new in cases:
        result = forecast.forecast(built[new], built[old] if old else None)
        path = " > ".join(
            f"{s.logical_id} {s.seconds / 60:.1f}" for s in result.critical_path if s.seconds
        )
        rows.append((label, f"{result.total / 60:.1f}", f"{result.floor / 60:.1f}", path))
    return table(
        f"`appstack forecast {ENV} --phase N [--from-phase M]`: minutes, and the critical path "
        "(resource, minutes)",
        ["deploy", "forecast min", "floor min", "critical path"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--aws", default=str(ROOT / ".venv-bench/bin/aws"))
    parser.add_argument("--forecast-only", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    print(forecasts())
    if not args.forecast_only:
        work = Path(tempfile.mkdtemp(prefix="appstack-e2e-bench-"))
        try:
            print(measure(work, args.scale, args.rounds, args.aws))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n(took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
