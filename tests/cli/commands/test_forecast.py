"""`appstack forecast`: the critical path of a deploy; in JSON, seconds without float noise."""

from __future__ import annotations

import json

import pytest

from cli.json_figures import SECONDS, floats, noisy
from cli_runner import run


def test_forecast_prints_the_critical_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["forecast", "prod"], capsys)
    assert code == 0 and "critical path" in out and "LoadBalancer" in out and "floor" in out


def test_forecast_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["forecast", "dev", "--from-phase", "1", "--output", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["forecast"]["total"] == 0 and data["from_phase"] == 1


def test_forecast_json_has_seconds_to_a_tenth_and_no_float_noise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["forecast", "prod", "--from-phase", "1", "--output", "json"], capsys)
    assert code == 0
    found = list(floats(json.loads(out)))
    assert [(k, v) for k, v in found if k in SECONDS and round(v, 1) != v] == []
    assert [(k, v) for k, v in found if noisy(v)] == []
