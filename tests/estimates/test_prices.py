"""Price tables: one per Region, every price with its source, date and status, none in code."""

from __future__ import annotations

from pathlib import Path

import pytest

from appstack.errors import UsageError
from appstack.estimates import cost, prices

US = prices.load_prices("us-east-1")
HOURS = 730


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_every_price_names_its_source_date_and_status(region: str) -> None:
    table = prices.load_prices(region)
    assert table.hours_per_month == HOURS
    for price in table.prices.values():
        assert price.source and price.date and price.unit, price.key
        assert price.status in {
            "confirmed",
            "confirmed-cap",
            "third-party-agree",
            "third-party-weak",
            "unconfirmed",
        }


def test_both_regions_price_the_same_things() -> None:
    assert set(prices.load_prices("eu-west-1").prices) == set(US.prices)


@pytest.mark.parametrize(
    ("key", "usd"),
    [
        ("nat_gateway_hour", 0.045),
        ("nat_gateway_gb", 0.045),
        ("public_ipv4_hour", 0.005),
        ("alb_hour", 0.0225),
        ("alb_lcu_hour", 0.008),
        ("fargate_x86_vcpu_hour", 0.04048),
        ("fargate_x86_gb_hour", 0.004445),
        ("fargate_arm_vcpu_hour", 0.03238),
        ("fargate_arm_gb_hour", 0.00356),
        ("dynamodb_wru_million", 0.625),
        ("dynamodb_rru_million", 0.125),
        ("dynamodb_storage_gb_month", 0.25),
        ("aurora_sv2_acu_hour", 0.12),
        ("aurora_storage_gb_month", 0.10),
        ("aurora_io_million", 0.20),
        ("elasticache_node_hour:cache.t4g.micro", 0.016),
        ("waf_web_acl_month", 5.0),
        ("waf_rule_month", 1.0),
        ("waf_requests_million", 0.60),
        ("vpn_connection_hour", 0.05),
        ("config_ci", 0.003),
        ("config_rule_eval", 0.001),
        ("cloudtrail_mgmt_first_copy", 0.0),
        ("secrets_secret_month", 0.40),
        ("secrets_api_10k", 0.05),
        ("xray_recorded_million", 5.0),
        ("cw_logs_ingest_gb", 0.50),
        ("cw_logs_storage_gb_month", 0.03),
        ("cw_alarm_month", 0.10),
        ("backup_dynamodb_warm_gb_month", 0.10),
        ("kms_key_month", 1.0),
    ],
)
def test_us_east_1_prices_match_the_sourced_list_prices(key: str, usd: float) -> None:
    assert US.usd(key) == usd


def test_european_prices_that_could_not_be_confirmed_say_so() -> None:
    eu = prices.load_prices("eu-west-1")
    assert eu.prices["dynamodb_wru_million"].status == "unconfirmed"
    assert eu.prices["waf_web_acl_month"].status == "confirmed"  # one price in every Region


def test_a_region_without_prices_is_a_usage_error_naming_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"eu-west-1, us-east-1"):
        prices.load_prices("ap-south-9")


def test_no_price_is_written_in_the_estimate_code() -> None:
    for module in Path(cost.__file__ or "").parent.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for key, price in US.prices.items():
            if price.usd not in (0.0, 1.0, 0.1):
                assert repr(price.usd) not in text, (module.name, key)
