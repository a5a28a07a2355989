"""`appstack cost`: line items, totals and cheaper choices; in JSON, money in cents that adds up."""

from __future__ import annotations

import itertools
import json

import pytest

from cli.json_figures import MONEY, floats, noisy
from cli_runner import run


def test_cost_prints_line_items_totals_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", "dev"], capsys)
    assert code == 0
    assert "public IPv4" in out and "total" in out and "Cheaper choices" in out


def test_cost_as_json_carries_every_line_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", "prod", "--output", "json", "--region", "eu-west-1"], capsys)
    data = json.loads(out)
    assert code == 0 and data["region"] == "eu-west-1"
    (phase,) = data["phases"]
    assert phase["estimate"]["items"][0]["price_key"] == "nat_gateway_hour"
    assert phase["estimate"]["total"] == pytest.approx(
        sum(i["monthly"] for i in phase["estimate"]["items"])
    )
    assert phase["estimate"]["by_capability"]["network"] > 0


def test_cost_of_a_phase_not_yet_buildable_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["cost", "dev", "--phase", "3"], capsys)
    assert code == 2 and "phase 3" in err and "Traceback" not in err


def test_cost_of_all_phases_shows_which_are_not_buildable_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["cost", "dev", "--all-phases"], capsys)
    assert code == 0 and "cannot be built" in out and "phase 3:" in err


def test_cost_in_a_region_without_prices_names_the_known_regions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["cost", "dev", "--region", "sa-east-1"], capsys)
    assert code == 2 and "us-east-1" in err


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
