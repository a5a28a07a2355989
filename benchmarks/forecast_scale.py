"""Time the deploy-time forecast on generated templates of growing size and print a table.

    .venv/bin/python benchmarks/forecast_scale.py

Each generated template is a layered lattice: every resource references up to three resources of
the layer below (Ref, Fn::GetAtt, Fn::Sub) and some add a DependsOn, so the number of paths grows
exponentially with the depth while the forecast stays linear in resources + references.
"""

from __future__ import annotations

import random
import time
from typing import Any

from appstack import render
from appstack.estimates import forecast

TYPES = (
    "AWS::EC2::SecurityGroup",
    "AWS::IAM::Role",
    "AWS::Logs::LogGroup",
    "AWS::Lambda::Function",
    "AWS::S3::Bucket",
    "AWS::ECS::Service",
    "AWS::RDS::DBInstance",
)


def generated(resources: int, width: int = 10, seed: int = 7) -> dict[str, Any]:
    """A template of `resources` resources in layers of `width`."""
    rng = random.Random(seed)
    body: dict[str, Any] = {}
    names: list[str] = []
    for index in range(resources):
        name = f"R{index}"
        layer_start = (index // width - 1) * width
        below = names[max(0, layer_start) : max(0, layer_start) + width] if layer_start >= 0 else []
        picks = rng.sample(below, k=min(3, len(below)))
        props: dict[str, Any] = {}
        if picks:
            props["A"] = {"Ref": picks[0]}
        if len(picks) > 1:
            props["B"] = {"Fn::GetAtt": [picks[1], "Arn"]}
        if len(picks) > 2:
            props["C"] = {"Fn::Sub": f"${{{picks[2]}.Arn}}/x"}
        resource: dict[str, Any] = {"Type": rng.choice(TYPES), "Properties": props}
        if below and rng.random() < 0.2:
            resource["DependsOn"] = [rng.choice(below)]
        body[name] = resource
        names.append(name)
    return {"Resources": body}


def main() -> None:
    rows = []
    for size in (50, 100, 200, 500, 1000, 2000):
        template = generated(size)
        edges = sum(len(d) for d in forecast.dependencies(template).values())
        runs = 5
        start = time.perf_counter()
        for _ in range(runs):
            result = forecast.forecast(template)
        elapsed = (time.perf_counter() - start) / runs
        rows.append(
            (
                size,
                edges,
                f"{elapsed * 1000:.2f} ms",
                f"{elapsed * 1e6 / (size + edges):.2f} us",
                f"{result.total:.0f} s",
                len(result.critical_path),
            )
        )
    render.table(
        "forecast on generated templates (mean of 5 runs)",
        ("resources", "references", "time", "per resource+reference", "forecast", "path length"),
        rows,
    )


if __name__ == "__main__":
    main()
