"""The `baseline:` section: its names, where a StackSet deploys it, and how it rolls out."""

from __future__ import annotations

import pytest

from appstack import config
from appstack.errors import ConfigError


def test_the_defaults_name_the_stack_and_the_trail() -> None:
    settings = config.parse({}).baseline
    assert (settings.stack_name, settings.trail_name) == ("appstack-baseline", "appstack-trail")
    assert settings.deletion_protection is True
    assert settings.accounts == () and settings.regions == ()
    assert settings.call_as == "SELF"  # the management account runs a service-managed StackSet


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ({"accounts": ["12345"]}, "not an AWS account id"),
        ({"regions": ["Europe"]}, "not an AWS Region code"),
        ({"organizational_units": ["engineering"]}, "not an organizational unit id"),
        ({"name": "Security_Team"}, "cannot name AWS resources"),
        ({"log_retention_days": 100}, "CloudWatch Logs does not accept 100 days"),
        (
            {"operation": {"max_concurrent_count": 2, "max_concurrent_percentage": 50}},
            "remove the other",
        ),
        ({"operation": {"region_concurrency_type": "ALL"}}, "region_concurrency_type"),
        ({"permission_model": "OWN"}, "permission_model"),
        ({"call_as": "DELEGATED"}, "call_as"),
    ],
)
def test_a_wrong_baseline_setting_names_the_field_and_the_fix(
    section: dict[str, object], words: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        config.parse({"baseline": section})
    assert words in str(raised.value)


def test_operation_preferences_are_given_as_stacksets_take_them() -> None:
    settings = config.parse(
        {"baseline": {"operation": {"max_concurrent_percentage": 50, "failure_tolerance_count": 1}}}
    ).baseline
    assert settings.operation.as_api() == {
        "MaxConcurrentPercentage": 50,
        "FailureToleranceCount": 1,
        "RegionConcurrencyType": "SEQUENTIAL",
    }
