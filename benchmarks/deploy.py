"""Deploy benchmark on the emulator: appstack beside the AWS CLI and plain boto3.

Usage: python benchmarks/deploy.py [--rounds N] [--latency-rounds M] [--delay S] [--aws PATH]
       [--skip-latency] [--before SRC_TREE] [--only KEY ...]

1. Overhead: create, no-op and update (dev's cpu_target 60 -> 70: the scaling policy changes
   in place) of the same phase-1 stack, each tool as a whole process, interleaved round by
   round; wall time and the API calls the server answered (counted by `bench_emulator.py`,
   the same way for every tool). appstack synthesizes, runs preflight and validate as a user
   runs it; the AWS CLI and boto3 deploy a template built beforehand.
2. Notice latency: on a second emulator every stack operation finishes S seconds after
   ExecuteChangeSet returned; how long after that each tool saw it (its first DescribeStacks
   reporting `*_COMPLETE`, recorded by the server) and exited.

Figures are medians. The AWS CLI and boto3 wait 30 s between stack polls, so the latency
part takes M rounds of them (and N of appstack).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil
import yaml
from common import compiled, median, table

import appstack
from appstack.local import emulator

HERE = Path(__file__).parent
ROOT = HERE.parent
CHECKOV = ROOT / ".venv-scan/bin/checkov"
CONFIGS = {  # the change an update makes: the scaling policy's target, changed in place
    # (desired_count would change nothing: the template leaves the count to autoscaling)
    "base": {"environments": {"dev": {"cpu_target": 60}}},
    "updated": {"environments": {"dev": {"cpu_target": 70}}},
}
OPS = ("create", "noop", "update")
_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`bench_emulator.py` on a free port, registered as the emulator of `work` so that
    `appstack deploy --local` run in `work` uses it (as after `appstack local start`)."""

    def __init__(self, work: Path, delay: float = 0.0) -> None:
        self.work, self.delay, self.port = work, delay, free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        log = (self.work / f"emulator-{self.port}.log").open("ab")
        argv = [
            sys.executable,
            str(HERE / "bench_emulator.py"),
            *("-p", str(self.port), "--delay", str(self.delay)),
        ]
        self.process = subprocess.Popen(argv, cwd=self.work, stdout=log, stderr=subprocess.STDOUT)
        # Registered where the measured tools look (their XDG_STATE_HOME, see `tools`).
        emulator.register(self.port, self.process.pid, argv, directory=self.work / "state/appstack")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.calls()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the benchmark emulator did not start; see {log.name}")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _ask(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(f"{self.endpoint}/_bench/{path}", method=method)
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())

    def reset(self) -> None:
        self._ask("reset", "POST")

    def calls(self) -> dict[str, int]:
        return dict(self._ask("calls"))

    def completions(self) -> list[dict[str, Any]]:
        return list(self._ask("completions"))

    def remove(self, stack: str) -> None:
        """Delete a measured stack (not timed): appstack's preflight counts the Region's VPCs
        against the default quota of 5, and every round would add one per tool."""
        import boto3

        cfn = boto3.client(
            "cloudformation", endpoint_url=self.endpoint, region_name="us-east-1", **_KEYS
        )
        cfn.delete_stack(StackName=stack)


@dataclass(frozen=True)
class Tool:
    label: str
    argv: Callable[[str, str], list[str]]  # (stack, template "base" | "updated") -> argv
    env: dict[str, str]
    noop_exit: int = 0  # the exit code of an unchanged deploy, when it is not 0


@dataclass(frozen=True)
class Sample:
    seconds: float
    cfn_calls: int
    other_calls: int
    exited: float  # wall clock (time.time()) when the process was seen to exit
    calls: dict[str, int]  # "cloudformation:DescribeStacks" -> 2, "ec2" -> 1, ...


def run(tool: Tool, stack: str, op: str, server: Server, cwd: Path) -> Sample:
    server.reset()
    argv = tool.argv(stack, "updated" if op == "update" else "base")
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=tool.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    exited, seconds = time.time(), time.perf_counter() - started
    if done.returncode != 0 and not (op == "noop" and done.returncode == tool.noop_exit):
        raise RuntimeError(f"{tool.label} {op} failed: {done.stderr.decode()[-2000:]}")
    calls = server.calls()
    cfn = sum(n for k, n in calls.items() if k.startswith("cloudformation"))
    return Sample(seconds, cfn, sum(calls.values()) - cfn, exited, calls)


def tools(
    work: Path, endpoint: str, aws: str, port: int, before: Path | None = None
) -> dict[str, Tool]:
    """Every contender, by a short key, pointed at the emulator on `port`; with `before` (an
    appstack source tree, e.g. a `git worktree` of an earlier commit), that appstack's cached
    and `--skip-validate` deploys too, as "before-..." (on PYTHONPATH ahead of this one)."""
    templates = {name: work / f"{name}.template.json" for name in CONFIGS}
    path = os.pathsep.join(  # "checkov not installed": no checkov on PATH
        p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "checkov").exists()
    )
    plain = {
        **os.environ,
        **CREDENTIALS,
        "APPSTACK_LOCAL_PORT": str(port),
        "PATH": path,
        "XDG_STATE_HOME": str(work / "state"),  # where `Server` registered the emulator
        # A validation cache of the run's own; the rows without one bypass it.
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    plain.pop("APPSTACK_CHECKOV", None)
    plain.pop("AWS_PROFILE", None)

    def appstack(*extra: str) -> Callable[[str, str], list[str]]:
        return lambda stack, cfg: [
            sys.executable,
            "-m",
            "appstack",
            "deploy",
            stack,
            "dev",
            "--phase",
            "1",
            "--yes",
            "--local",
            "-c",
            str(work / f"{cfg}.yaml"),
            *extra,
        ]

    found: dict[str, Tool] = {}
    uncached = {**plain, "APPSTACK_NO_CACHE": "1"}
    if CHECKOV.exists():
        found["appstack"] = Tool(
            "appstack deploy (synth, preflight, validate: cfn-lint, rules, checkov)",
            appstack(),
            {**uncached, "APPSTACK_CHECKOV": str(CHECKOV)},
        )
        found["appstack-cached"] = Tool(
            "appstack deploy, template checked before (validation cache)",
            appstack(),
            {**plain, "APPSTACK_CHECKOV": str(CHECKOV)},
        )
    found["appstack-nocheckov"] = Tool(
        "appstack deploy (synth, preflight, validate without checkov)", appstack(), uncached
    )
    found["appstack-skip"] = Tool(
        "appstack deploy --skip-validate (synth, preflight)", appstack("--skip-validate"), plain
    )
    if before is not None:
        earlier = {**plain, "PYTHONPATH": str(before / "src")}
        for key in ("appstack-cached", "appstack-skip"):
            if key in found:
                label = f"{found[key].label}, before ({before.name})"
                found[f"before-{key}"] = Tool(
                    label, found[key].argv, {**earlier, **_extra(found[key])}
                )
    found["awscli"] = Tool(
        "aws cloudformation deploy (pre-built template)",
        lambda stack, cfg: [
            aws,
            "cloudformation",
            "deploy",
            "--template-file",
            str(templates[cfg]),
            "--stack-name",
            stack,
            "--capabilities",
            "CAPABILITY_IAM",
            "CAPABILITY_NAMED_IAM",
            "--no-fail-on-empty-changeset",
            # Explicit values: on an update the CLI otherwise sends UsePreviousValue, which
            # moto 5.2.5 mishandles (it re-applies every resource and fails on the bucket).
            "--parameter-overrides",
            "EnvironmentSuffix=dev",
            "EnvironmentName=dev",
            "ApplicationName=myapp",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
        ],
        plain,
        noop_exit=255,  # moto refuses an empty change set at once; the CLI exits 255 anyway
    )
    found["boto3"] = Tool(
        "plain boto3 + stock waiters (pre-built template)",
        lambda stack, cfg: [
            sys.executable,
            str(HERE / "plain_boto3_deploy.py"),
            str(templates[cfg]),
            stack,
            endpoint,
        ],
        plain,
    )
    return found


def _extra(tool: Tool) -> dict[str, str]:
    """The variables a tool sets beyond the environment (APPSTACK_CHECKOV, ...)."""
    return {k: v for k, v in tool.env.items() if k.startswith("APPSTACK_")}


def prepare(work: Path) -> None:
    """Config files, and the pre-built templates the AWS CLI and boto3 deploy."""
    for name, settings in CONFIGS.items():
        cfg = work / f"{name}.yaml"
        cfg.write_text(yaml.safe_dump(settings))
        out = work / f"synth-{name}"
        subprocess.run(
            [
                sys.executable,
                *("-m", "appstack", "synth", "dev", "--phase", "1"),
                *("-c", str(cfg), "--out", str(out)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (built,) = out.glob("*.template.json")
        # Compact, as appstack sends it: the AWS CLI wants an S3 bucket above 51,200 bytes.
        compact = json.dumps(json.loads(built.read_text()), separators=(",", ":"))
        (work / f"{name}.template.json").write_text(compact)
        if CHECKOV.exists():  # checked once, as a first deploy or `appstack validate` would
            subprocess.run(
                [
                    sys.executable,
                    *("-m", "appstack", "validate", "dev", "--phase", "1", "-c", str(cfg)),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                env={
                    **os.environ,
                    "XDG_CACHE_HOME": str(work / "cache"),
                    "APPSTACK_CHECKOV": str(CHECKOV),
                },
            )


def rotated(keys: Sequence[str], by: int) -> list[str]:
    by %= len(keys)
    return [*keys[by:], *keys[:by]]


def overhead(
    work: Path, rounds: int, aws: str, before: Path | None = None, only: Sequence[str] = ()
) -> str:
    samples: dict[tuple[str, str], list[Sample]] = {}
    with Server(work) as server:
        contenders = tools(work, server.endpoint, aws, server.port, before)
        if only:
            contenders = {k: t for k, t in contenders.items() if k in only or k == "awscli"}
        for r in range(rounds):
            for key in rotated(list(contenders), r):
                for op in OPS:
                    # Untimed: the AWS CLI names a change set by the second it was made in
                    # (awscli-cloudformation-package-deploy-<epoch>); two in one second
                    # collide on the emulator.
                    time.sleep(1.05)
                    sample = run(contenders[key], f"o-{key}-{r}", op, server, work)
                    samples.setdefault((key, op), []).append(sample)
                server.remove(f"o-{key}-{r}")
    cli_create = median([s.seconds for s in samples[("awscli", "create")]])
    rows = []
    for key, tool in contenders.items():
        wall = [median([s.seconds for s in samples[(key, op)]]) for op in OPS]
        cfn = [median([s.cfn_calls for s in samples[(key, op)]]) for op in OPS]
        other = [median([s.other_calls for s in samples[(key, op)]]) for op in OPS]
        rows.append(
            (
                tool.label,
                *(f"{w:.2f}" for w in wall),
                " / ".join(f"{c:g}" for c in cfn),
                " / ".join(f"{c:g}" for c in other),
                f"{wall[0] / cli_create:.2f}",
            )
        )
    breakdown = [
        (key, op, ", ".join(f"{k.split(':')[-1]} {n}" for k, n in sorted(first.calls.items())))
        for key in contenders
        for op in OPS
        for first in samples[(key, op)][:1]
    ]
    return (
        table(
            f"Deploy on the emulator, phase-1 stack, median of {rounds} interleaved rounds "
            "(whole processes)",
            [
                "tool",
                "create s",
                "no-op s",
                "update s",
                "CFN calls c/n/u",
                "other calls c/n/u",
                "create / CLI create",
            ],
            rows,
        )
        + "\n"
        + table("API calls of the first round, by action", ["tool", "op", "calls"], breakdown)
        + "\n"
        + goals(samples, rounds)
    )


#: (what, tool, op, the AWS CLI's op it is compared with, the goal as a ratio to it)
GOALS = (
    ("no-op, every check, template checked before", "appstack-cached", "noop", "noop", 1.5),
    ("update, every check, template checked before", "appstack-cached", "update", "update", None),
    ("create, `--skip-validate`", "appstack-skip", "create", "create", 1.3),
    ("no-op, template checked before: before", "before-appstack-cached", "noop", "noop", 1.5),
    ("create, `--skip-validate`: before", "before-appstack-skip", "create", "create", 1.3),
    ("no-op, every check, first time (cache bypassed)", "appstack", "noop", "noop", None),
    ("create, every check, first time (cache bypassed)", "appstack", "create", "create", None),
)


def goals(samples: dict[tuple[str, str], list[Sample]], rounds: int) -> str:
    """The validation cache and the trimmed preflight against the AWS CLI, same run."""
    rows = []
    for what, key, op, cli_op, goal in GOALS:
        if (key, op) not in samples:
            continue
        mine = median([s.seconds for s in samples[(key, op)]])
        cli = median([s.seconds for s in samples[("awscli", cli_op)]])
        verdict = "" if goal is None else ("met" if mine <= goal * cli else "NOT met")
        aim = "" if goal is None else f"<= {goal:g}x"
        rows.append((what, f"{mine:.2f}", f"{cli:.2f}", f"{mine / cli:.2f}x", aim, verdict))
    return table(
        f"Validation cache and preflight against `aws cloudformation deploy` (median of {rounds})",
        ["appstack deploy", "s", "AWS CLI s", "ratio", "goal", ""],
        rows,
    )


def latency(work: Path, rounds: int, slow_rounds: int, delay: float, aws: str) -> str:
    """Notice latency: every stack operation finishes `delay` s after it was started."""
    measured: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    with Server(work, delay) as server:
        every = tools(work, server.endpoint, aws, server.port)
        contenders = {k: every[k] for k in ("appstack-skip", "awscli", "boto3")}
        runs = {"appstack-skip": rounds, "awscli": slow_rounds, "boto3": slow_rounds}
        for r in range(max(runs.values())):
            for key in rotated([k for k in contenders if r < runs[k]], r):
                for op in ("create", "update"):
                    sample = run(contenders[key], f"l-{key}-{r}", op, server, work)
                    (done,) = server.completions()
                    measured.setdefault((key, op), []).append(
                        (
                            done["noticed"] - done["completed"],
                            sample.exited - done["completed"],
                            sample.cfn_calls,
                        )
                    )
                server.remove(f"l-{key}-{r}")
    rows = []
    for key, tool in contenders.items():
        cells = []
        for index in range(3):
            cells.append(
                " / ".join(
                    f"{median([m[index] for m in measured[(key, op)]]):.2f}"
                    if index < 2
                    else f"{median([m[index] for m in measured[(key, op)]]):g}"
                    for op in ("create", "update")
                )
            )
        rows.append((tool.label, runs[key], *cells))
    return table(
        f"Notice latency: each stack operation ends {delay:g} s after ExecuteChangeSet "
        "(median; create / update)",
        ["tool", "rounds", "noticed after s", "exited after s", "CFN calls"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency-rounds", type=int, default=3, help="for the 30 s pollers")
    parser.add_argument("--delay", type=float, default=3.0)
    parser.add_argument("--aws", default=str(ROOT / ".venv-bench/bin/aws"))
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument(
        "--before", type=Path, help="an earlier appstack source tree, measured in the same run"
    )
    parser.add_argument(
        "--only", nargs="*", default=(), help="these tools (keys) and the AWS CLI, no others"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="appstack-deploy-bench-"))
    try:
        compiled(Path(appstack.__file__).parent)
        if args.before is not None:
            compiled(args.before / "src/appstack")
        prepare(work)
        print(
            f"machine: {platform.platform()}, {psutil.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
        )
        if not CHECKOV.exists():
            print(f"(no {CHECKOV}: `make scan-env` adds the row with checkov)")
        print(overhead(work, args.rounds, args.aws, args.before, args.only))
        if not args.skip_latency:
            print(latency(work, args.rounds, args.latency_rounds, args.delay, args.aws))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
