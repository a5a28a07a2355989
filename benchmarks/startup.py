"""Time how long the command line takes to answer without touching AWS, and print a table.

    .venv/bin/python benchmarks/startup.py [--runs N]

Commands load their layers lazily (one module per command, imported when it runs), so `--help`
loads click and rich only; a command's own `--help` loads its module and nothing it calls.
Each figure is the median wall time of whole processes, taken interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import compiled

import appstack
from appstack import render

APPSTACK = str(Path(sys.executable).with_name("appstack"))

CASES: dict[str, list[str]] = {
    "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
    "appstack --help": [APPSTACK, "--help"],
    "appstack deploy --help": [APPSTACK, "deploy", "--help"],
    "appstack --version": [APPSTACK, "--version"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    compiled(Path(appstack.__file__).parent)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, argv in CASES.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    render.table(
        f"start-up, whole processes (median of {runs})",
        ("command", "median s", "min s", "max s"),
        [
            (name, f"{statistics.median(t):.3f}", f"{min(t):.3f}", f"{max(t):.3f}")
            for name, t in times.items()
        ],
    )


if __name__ == "__main__":
    main()
