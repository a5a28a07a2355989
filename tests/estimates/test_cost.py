"""Cost: whole environments, phases side by side and usage settings (prices, line items and
hints: test_prices.py, test_line_items.py, test_hints.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from appstack import blueprint, config
from appstack.estimates import cost, prices
from appstack.estimates.line_items import LineItem
from conftest import Template

US = prices.load_prices("us-east-1")
NAT_DEV = {"egress": "nat_gateway"}
HOURS = 730


def settings(env: str = "dev", **overrides: Any) -> config.EnvironmentSettings:
    app = config.parse({"environments": {env: overrides}} if overrides else {})
    return app.environments[env]


def estimate(resources: dict[str, Any], env: str = "dev", **overrides: Any) -> cost.CostEstimate:
    return cost.estimate({"Resources": resources}, settings(env, **overrides), US)


def line(result: cost.CostEstimate, key: str) -> LineItem:
    (found,) = [i for i in result.items if i.price_key == key]
    return found


AURORA: dict[str, Any] = {
    "Db": {
        "Type": "AWS::RDS::DBCluster",
        "Properties": {
            "Engine": "aurora-postgresql",
            "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 8},
        },
    },
    "Writer": {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {"DBClusterIdentifier": {"Ref": "Db"}, "DBInstanceClass": "db.serverless"},
    },
    "Reader": {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {"DBClusterIdentifier": {"Ref": "Db"}, "DBInstanceClass": "db.serverless"},
    },
}


# ---------------------------------------------------------------- whole environments


NAT = {"environments": {"dev": {"egress": "nat_gateway"}}}


def test_dev_phase_1_costs_what_its_line_items_add_up_to_under_50_dollars(dev: Template) -> None:
    result = cost.estimate(dev, settings("dev"), US)
    assert result.total == pytest.approx(sum(i.monthly for i in result.items))
    assert result.total == pytest.approx(43.42, abs=0.01)
    assert result.total <= 50
    assert set(result.by_capability()) == {
        "network",
        "service",
        "table",
        "logs",
        "alarms",
        "encryption",
    }


def test_public_egress_trades_the_nat_gateway_for_one_public_address_per_task(
    dev: Template, build_template: Callable[..., Template]
) -> None:
    public = cost.estimate(dev, settings("dev"), US)
    behind_nat = cost.estimate(build_template("dev", data=NAT), settings("dev", **NAT_DEV), US)
    assert behind_nat.total == pytest.approx(76.72, abs=0.01)
    [task_ip] = [i for i in public.items if i.item == "public IPv4: 1 task(s)"]
    assert task_ip.quantity == HOURS and task_ip.monthly == pytest.approx(3.65)
    nat = 730 * 0.045 + 10 * 0.045 + 730 * 0.005  # hours, data, its Elastic IP
    assert behind_nat.total - public.total == pytest.approx(nat - 3.65)


def test_prod_phase_1_costs_far_more_than_the_92_dollars_of_the_design_notes(
    prod: Template,
) -> None:
    result = cost.estimate(prod, settings("prod"), US)
    assert result.total == pytest.approx(263.64, abs=0.01)
    assert line(result, "nat_gateway_hour").quantity == 2 * HOURS


def test_the_estimate_follows_the_template_not_the_settings(
    build_template: Callable[..., Template],
) -> None:
    one = cost.estimate(build_template("dev", data=NAT), settings("dev"), US)
    two_nats = build_template(
        "dev", data={"environments": {"dev": {"nat_gateways": 2, "egress": "nat_gateway"}}}
    )
    two = cost.estimate(two_nats, settings("dev"), US)
    assert line(two, "nat_gateway_hour").quantity == 2 * line(one, "nat_gateway_hour").quantity


def test_phase_costs_give_each_phase_or_the_reason_it_cannot_be_built(dev: Template) -> None:
    results = cost.phase_costs({1: (dev, settings("dev")), 3: "phase 3 needs an address"}, US)
    assert results[0].estimate is not None and results[0].estimate.total > 0
    assert results[1].estimate is None and results[1].problem == "phase 3 needs an address"


def test_phase_costs_price_the_templates_they_are_given_and_build_none(
    dev: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(*_: Any) -> None:
        raise AssertionError("the estimate built a template of its own")

    monkeypatch.setattr(blueprint, "build", no_build)
    (result,) = cost.phase_costs({1: (dev, settings("dev"))}, US)
    assert result.estimate == cost.estimate(dev, settings("dev"), US)


def test_european_prices_give_a_different_total(dev: Template) -> None:
    (us,) = cost.phase_costs({1: (dev, settings("dev"))}, US)
    (eu,) = cost.phase_costs({1: (dev, settings("dev"))}, prices.load_prices("eu-west-1"))
    assert us.estimate and eu.estimate and eu.estimate.total > us.estimate.total


# ---------------------------------------------------------------- usage settings


def test_usage_has_documented_defaults_and_prod_assumes_more_traffic() -> None:
    app = config.parse({})
    dev, prod = app.environments["dev"].usage, app.environments["prod"].usage
    assert (dev.nat_gb, dev.alb_lcu, dev.log_gb) == (10, 0.2, 5)
    assert (prod.nat_gb, prod.alb_lcu, prod.table_writes_million) == (100, 2, 50)
    for name, field in config.UsageSettings.model_fields.items():
        assert field.description, name


def test_one_usage_value_can_be_overridden_alone() -> None:
    app = config.parse({"environments": {"prod": {"usage": {"nat_gb": 500}}}})
    assert app.environments["prod"].usage.nat_gb == 500
    assert app.environments["prod"].usage.alb_lcu == 2  # the prod default stays


def test_an_unknown_usage_key_names_the_allowed_ones() -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.parse({"environments": {"dev": {"usage": {"nat_gigabytes": 5}}}})
    (path, message) = caught.value.problems[0]
    assert path == "environments.dev.usage.nat_gigabytes" and "nat_gb" in message


def test_negative_usage_is_refused() -> None:
    with pytest.raises(config.ConfigError, match=r"usage\.log_gb"):
        config.parse({"environments": {"dev": {"usage": {"log_gb": -1}}}})


def test_each_phase_shows_its_change_from_the_phase_below() -> None:
    small = estimate({"Vpn": {"Type": "AWS::EC2::VPNConnection"}})
    large = estimate(
        {"Vpn": {"Type": "AWS::EC2::VPNConnection"}, "Acl": {"Type": "AWS::WAFv2::WebACL"}}
    )
    phases = cost.with_deltas(
        [
            cost.PhaseCost(1, small),
            cost.PhaseCost(2, large),
            cost.PhaseCost(3, None, "not yet"),
            cost.PhaseCost(4, large),
        ]
    )
    assert [p.delta for p in phases] == [None, pytest.approx(5 + 10 * 0.60), None, None]


def test_a_later_phase_priced_from_a_hand_written_template_sums_every_capability() -> None:
    resources: dict[str, Any] = {
        **AURORA,
        "Cache": {
            "Type": "AWS::ElastiCache::ReplicationGroup",
            "Properties": {"CacheNodeType": "cache.t4g.micro", "NumCacheClusters": 1},
        },
        "Acl": {"Type": "AWS::WAFv2::WebACL", "Properties": {"Rules": [{"Name": "r"}]}},
        "Vpn": {"Type": "AWS::EC2::VPNConnection"},
        "Recorder": {"Type": "AWS::Config::ConfigurationRecorder"},
        "Trail": {"Type": "AWS::CloudTrail::Trail"},
        "Secret": {"Type": "AWS::SecretsManager::Secret"},
        "Sampling": {"Type": "AWS::XRay::SamplingRule"},
        "Insights": {"Type": "AWS::ApplicationInsights::Application"},
        "Plan": {"Type": "AWS::Backup::BackupPlan"},
    }
    result = estimate(resources)
    assert set(result.by_capability()) == {
        "database",
        "cache",
        "firewall",
        "vpn",
        "config",
        "audit",
        "secrets",
        "tracing",
        "insights",
        "backup",
    }
    assert result.total == pytest.approx(sum(result.by_capability().values()))
