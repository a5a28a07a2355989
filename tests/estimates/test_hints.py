"""Hints: cheaper choices for a template, each with what it would save per month."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from appstack.estimates import cost
from conftest import Template
from estimates.test_cost import HOURS, US, estimate, settings

TWO_NATS = {"nat_gateways": 2, "egress": "nat_gateway"}


def test_dev_hints_at_one_nat_arm_and_spot(build_template: Callable[..., Template]) -> None:
    template = build_template("dev", data={"environments": {"dev": TWO_NATS}})
    result = cost.estimate(template, settings("dev", **TWO_NATS), US)
    messages = " ".join(h.message for h in result.hints)
    assert "one NAT gateway" in messages and "ARM64" in messages and "Spot" in messages
    nat = next(h for h in result.hints if "one NAT" in h.message)
    assert nat.saving == pytest.approx(HOURS * (0.045 + 0.005))


def test_dev_behind_nat_is_told_public_egress_and_what_it_saves(
    build_template: Callable[..., Template],
) -> None:
    template = build_template("dev", data={"environments": {"dev": {"egress": "nat_gateway"}}})
    result = cost.estimate(template, settings("dev", egress="nat_gateway"), US)
    [hint] = [h for h in result.hints if "egress: public" in h.message]
    # NAT hours and data and its Elastic IP, less one address for dev's one task
    assert hint.saving == pytest.approx(HOURS * 0.045 + 10 * 0.045 + HOURS * 0.005 - 3.65)


def test_public_egress_and_prod_get_no_egress_hint(dev: Template, prod: Template) -> None:
    for env, template in (("dev", dev), ("prod", prod)):
        result = cost.estimate(template, settings(env), US)
        assert not [h for h in result.hints if "egress" in h.message]


def test_prod_is_not_told_to_use_spot_or_a_single_nat(prod: Template) -> None:
    result = cost.estimate(prod, settings("prod"), US)
    messages = " ".join(h.message for h in result.hints)
    assert "Spot" not in messages and "one NAT" not in messages


def test_without_gateway_endpoints_the_hint_points_at_them() -> None:
    result = estimate({"Nat": {"Type": "AWS::EC2::NatGateway"}})
    assert any("gateway endpoints" in h.message for h in result.hints)


def test_the_phase_1_template_has_its_gateway_endpoints(dev: Template) -> None:
    result = cost.estimate(dev, settings("dev"), US)
    assert not any("gateway endpoints" in h.message for h in result.hints)


def test_many_tasks_behind_nat_get_no_egress_hint_when_their_addresses_cost_more(
    build_template: Callable[..., Template],
) -> None:
    """Twenty public addresses cost more than the one NAT gateway they would replace: no hint
    (it used to offer a negative saving)."""
    many = {"egress": "nat_gateway", "desired_count": 20, "max_count": 20}
    template = build_template("dev", data={"environments": {"dev": many}})
    result = cost.estimate(template, settings("dev", **many), US)
    assert not [h for h in result.hints if "egress" in h.message]
    assert all(h.saving > 0 for h in result.hints)
