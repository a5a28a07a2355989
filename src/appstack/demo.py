"""`make demo`: synthesize every environment's template and check it with cfn-lint."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from appstack import blueprint, config, render, synth
from appstack.checks.lint import run_cfn_lint

OUT = Path("build")


def main() -> int:
    app = config.load(None)
    rows, failed = [], False
    for env in app.environments:
        target = config.resolve(app, env, 1)
        started = time.perf_counter()
        path = synth.write(target, OUT)
        findings = run_cfn_lint(blueprint.to_dict(blueprint.build(target)), [app.region])
        failed |= bool(findings)
        rows.append(
            (
                str(path),
                target.phase,
                len(blueprint.build(target).resources),
                f"{path.stat().st_size:,}",
                len(findings),
                f"{time.perf_counter() - started:.2f}s",
            )
        )
    render.table(
        "Templates written (cfn-lint: errors + warnings)",
        ["template", "phase", "resources", "bytes", "cfn-lint", "time"],
        rows,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
