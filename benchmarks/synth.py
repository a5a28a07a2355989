"""Synth benchmark: appstack beside the AWS CDK (Python), and synth/validate at scale.

Usage: python benchmarks/synth.py [--runs N] [--cdk-python PATH]
Each figure is the median of N runs, taken interleaved in one run so ratios hold.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil
from common import Run, measure, median, table

from appstack import blueprint, config, synth
from appstack.checks.validate import validate
from appstack.phases import PHASES

# The scale table measures checking: no verdict may come from the validation cache.
os.environ["APPSTACK_NO_CACHE"] = "1"

HERE = Path(__file__).parent
PHASE3_CONFIG = {
    "environments": {
        e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ("dev", "staging", "prod")
    }
}


def buildable() -> list[tuple[str, int]]:
    return [(e, p) for e in ("dev", "staging", "prod") for p in PHASES]


def appstack_synth(targets: list[tuple[str, int]], cfg: Path, out: Path) -> Run:
    """One `appstack synth` process per template, as a user or CI would run it."""
    total, peak = 0.0, 0.0
    for env, phase in targets:
        run = measure(
            [
                sys.executable,
                "-m",
                "appstack",
                "synth",
                env,
                "--phase",
                str(phase),
                "-c",
                str(cfg),
                "--out",
                str(out),
            ]
        )
        total, peak = total + run.seconds, max(peak, run.peak_mib)
    return Run(total, peak)


def many_environments(n: int) -> config.AppConfig:
    """A config with `n` extra environments, each with its own /16 beside dev/staging/prod."""
    envs = {f"e{i}": {"vpc_cidr": f"10.{100 + i}.0.0/16"} for i in range(n)}
    return config.parse({"environments": envs})


def scale_rows(runs: int) -> list[tuple[object, ...]]:
    """Synth and validate (cfn-lint and appstack's rules; checkov's own start-up of about
    3 s a run would hide the growth) of 1, 10 and 100 environments, phase 1."""
    rows: list[tuple[object, ...]] = []
    for n in (1, 10, 100):
        app = many_environments(n)
        names = list(app.environments)[-n:]
        synth_times, validate_times = [], []
        for _ in range(runs):
            started = time.perf_counter()
            for env in names:
                blueprint.to_json(blueprint.build(config.resolve(app, env, 1)))
            synth_times.append(time.perf_counter() - started)
            built = [(t, synth.template(t)) for t in (config.resolve(app, e, 1) for e in names)]
            started = time.perf_counter()
            for target, template in built:
                validate(target, template, scan=False)  # cfn-lint + rules
            validate_times.append(time.perf_counter() - started)
        s, v = median(synth_times), median(validate_times)
        rows.append((n, f"{s:.2f}", f"{1000 * s / n:.0f}", f"{v:.2f}", f"{1000 * v / n:.0f}"))
    return rows


def machine() -> str:
    return (
        f"machine: {platform.platform()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )


def scale_table(runs: int) -> str:
    return table(
        f"Scale, in-process, phase 1, median of {runs}",
        ["environments", "synth s", "synth ms/env", "validate s", "validate ms/env"],
        scale_rows(runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cdk-python", default=str(HERE.parent / ".venv-bench/bin/python"))
    parser.add_argument("--scale-only", action="store_true", help="Only synth/validate at scale.")
    args = parser.parse_args()
    if args.scale_only:
        print(machine())
        print(scale_table(args.runs))
        return
    work = Path(tempfile.mkdtemp(prefix="appstack-bench-"))
    cfg = work / "appstack.yaml"
    import yaml

    cfg.write_text(yaml.safe_dump(PHASE3_CONFIG))
    phase1 = [(e, 1) for e in ("dev", "staging", "prod")]
    every = buildable()
    results: dict[str, list[Run]] = {
        "appstack --all": [],
        "appstack phase 1": [],
        "appstack each": [],
        "cdk": [],
    }
    for i in range(args.runs):
        results["appstack --all"].append(
            measure(
                [
                    sys.executable,
                    "-m",
                    "appstack",
                    "synth",
                    "--all",
                    "-c",
                    str(cfg),
                    "--out",
                    str(work / f"all{i}"),
                ]
            )
        )
        results["appstack phase 1"].append(appstack_synth(phase1, cfg, work / f"a{i}"))
        results["appstack each"].append(appstack_synth(every, cfg, work / f"b{i}"))
        results["cdk"].append(
            measure([args.cdk_python, str(HERE / "cdk_app/app.py"), str(work / f"cdk{i}")])
        )
    cdk_time = median([r.seconds for r in results["cdk"]])
    rows = []
    for name, label, count in (
        ("appstack --all", "appstack synth --all (one process)", len(every)),
        ("appstack phase 1", "appstack synth ENV --phase 1, 3 processes", 3),
        ("appstack each", "appstack synth ENV --phase N, one process each", len(every)),
        ("cdk", "AWS CDK app.synth() (dev, staging, prod; phase 1)", 3),
    ):
        seconds = median([r.seconds for r in results[name]])
        rows.append(
            (
                label,
                count,
                f"{seconds:.2f}",
                f"{max(r.peak_mib for r in results[name]):.0f}",
                f"{cdk_time / seconds:.1f}x" if name != "cdk" else "1.0x",
            )
        )
    print(machine())
    print(
        table(
            f"Synth, median of {args.runs}, whole processes",
            ["what", "templates", "wall s", "peak MiB", "faster than CDK"],
            rows,
        )
    )
    print(scale_table(max(1, args.runs // 2)))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
