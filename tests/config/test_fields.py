"""The checks of single fields the environments and the baseline share."""

from __future__ import annotations

import re

import pytest

from appstack.config.fields import LOG_RETENTION_DAYS, REGION, each_matching, log_retention


def test_a_retention_period_logs_accept_passes() -> None:
    assert log_retention(30) == 30


def test_a_retention_period_logs_refuse_names_the_nearest_one() -> None:
    with pytest.raises(ValueError, match=r"does not accept 100 days.*\(nearest: 90\)"):
        log_retention(100)


def test_every_listed_period_is_accepted() -> None:
    assert [log_retention(days) for days in LOG_RETENTION_DAYS] == list(LOG_RETENTION_DAYS)


def test_a_list_check_names_the_first_item_that_does_not_match() -> None:
    check = each_matching(re.compile(r"^\d{12}$"), "is not an AWS account id (12 digits)")
    assert check(("111122223333",)) == ("111122223333",)
    with pytest.raises(ValueError, match=r"^'12' is not an AWS account id \(12 digits\)$"):
        check(("111122223333", "12", "x"))


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-2", "us-gov-west-1"])
def test_region_codes_match(region: str) -> None:
    assert REGION.match(region)


@pytest.mark.parametrize("region", ["US-EAST-1", "us-east", "useast1"])
def test_what_is_not_a_region_code_does_not_match(region: str) -> None:
    assert not REGION.match(region)
