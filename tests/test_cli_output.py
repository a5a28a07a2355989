"""What the commands print: counts in good English, figures without float noise, and a declined
confirmation as a plain "nothing done" rather than an error."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appstack import render
from appstack.estimates import forecast
from cli_runner import run

#: JSON fields that hold US dollars: whole cents, like the bill.
MONEY = {"monthly", "saving", "total", "delta"}
#: JSON fields of the forecast that hold seconds: tenths at most.
SECONDS = {"start", "finish", "seconds", "delay", "floor", "cleanup"}


def floats(value: Any, key: str = "") -> Iterator[tuple[str, float]]:
    """Every float in a JSON document, with the key it is under."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from floats(inner, key if key == "by_capability" else inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from floats(inner, key)
    elif isinstance(value, float):
        yield key, value


def noisy(number: float) -> bool:
    """Whether a float shows binary noise (0.44999999999999996, 0.6000000000000001)."""
    return len(repr(number).lstrip("-0.").replace(".", "")) > 12


def test_cost_json_has_money_in_cents_and_no_float_noise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["cost", "prod", "--all-phases", "--output", "json"], capsys)
    assert code == 0
    found = list(floats(json.loads(out)))
    money = [(k, v) for k, v in found if k in MONEY or k == "by_capability"]
    assert len(money) > 50  # the walk sees the line items, subtotals and totals
    assert [(k, v) for k, v in money if round(v, 2) != v] == []
    assert [(k, v) for k, v in found if noisy(v)] == []


def test_cost_json_keeps_small_unit_prices_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", "dev", "--output", "json"], capsys)
    prices = [v for k, v in floats(json.loads(out)) if k == "unit_price"]
    assert code == 0 and min(prices) < 0.01  # a per-request price is not rounded to cents


def test_forecast_json_has_seconds_to_a_tenth_and_no_float_noise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["forecast", "prod", "--from-phase", "1", "--output", "json"], capsys)
    assert code == 0
    found = list(floats(json.loads(out)))
    assert [(k, v) for k, v in found if k in SECONDS and round(v, 1) != v] == []
    assert [(k, v) for k, v in found if noisy(v)] == []


ONE_RESOURCE = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}


def test_one_resource_is_counted_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    result = forecast.forecast(ONE_RESOURCE, None)
    render.forecast_report("dev", 1, None, result)
    render.plan_estimates(1.0, 1.0, 30, 1)
    out = capsys.readouterr().out
    assert "1 resources" not in out
    assert "(1 resource)" in out and "(1 resource to change)" in out


def test_two_resources_are_counted_in_the_plural(capsys: pytest.CaptureFixture[str]) -> None:
    render.plan_estimates(1.0, 1.0, 30, 2)
    assert "(2 resources to change)" in capsys.readouterr().out


def test_validate_counts_one_finding_and_one_template_in_the_singular(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from appstack.checks import rules
    from appstack.checks.findings import Finding

    monkeypatch.setattr(
        rules,
        "run_rules",
        lambda template: [Finding("AS999", "error", "Table", "loses data", "keep it")],
    )
    code, out, err = run(["validate", "dev", "--no-scan"], capsys)
    assert code == 1
    assert "1 finding" in out and "1 of 1 template did not pass" in err
    assert "(s)" not in out + err


def test_a_declined_deploy_is_nothing_done_not_an_error(
    tmp_path: Path,
    emulator_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cfg = tmp_path / "appstack.yaml"
    # A Region of its own: other tests' VPCs in the shared emulator do not count against it.
    cfg.write_text(
        f"application_name: no{tmp_path.name[-6:].replace('_', '')}\nregion: il-central-1\n"
    )
    monkeypatch.setattr(render, "is_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    stack = f"no{tmp_path.name[-6:].replace('_', '')}-dev"
    code, _, err = run(["deploy", stack, "dev", "--skip-validate", "-c", str(cfg)], capsys)
    assert code == 130  # the README's exit code of a declined confirmation
    assert "error" not in err.lower()
    assert "not confirmed: stopped before making the change" in err


def test_cost_json_adds_up_like_a_bill(capsys: pytest.CaptureFixture[str]) -> None:
    """Line items in cents; subtotals, totals and the change between phases computed from
    the figures shown, so a reader's sum matches to the cent."""
    code, out, _ = run(["cost", "prod", "--all-phases", "--output", "json"], capsys)
    phases = json.loads(out)["phases"]
    assert code == 0
    built = [p for p in phases if p["estimate"] is not None]
    assert len(built) >= 2
    for phase in built:
        items = phase["estimate"]["items"]
        assert phase["estimate"]["total"] == round(sum(i["monthly"] for i in items), 2)
        for capability, subtotal in phase["estimate"]["by_capability"].items():
            mine = [i["monthly"] for i in items if i["capability"] == capability]
            assert subtotal == round(sum(mine), 2)
    for before, after in itertools.pairwise(phases):
        if after["delta"] is not None:
            change = after["estimate"]["total"] - before["estimate"]["total"]
            assert after["delta"] == round(change, 2)
