"""Measuring helpers: wall time and peak memory of a process tree, medians, tables."""

from __future__ import annotations

import compileall
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def measure(
    argv: Sequence[str],
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    poll: float = 0.005,
) -> Run:
    """Run a command to completion; wall time and the peak RSS summed over its process tree."""
    started = time.perf_counter()
    process = psutil.Popen(
        list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(poll)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {process.stderr.read().decode()[-2000:]}")
    return Run(elapsed, peak / 2**20)


def compiled(package: Path) -> None:
    """Write the bytecode of every module of `package` (a source tree's `appstack`), as pip
    does when it installs a package: the other tools measured are installed so, and a
    machine with PYTHONDONTWRITEBYTECODE set would otherwise compile appstack's modules
    anew in every measured process (about 0.1 s of a deploy)."""
    if not compileall.compile_dir(str(package), quiet=1):
        raise RuntimeError(f"{package} does not compile")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, ready for the README."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [f"\n{title}\n", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join([*out, *(line(r) for r in rows)])
