"""The data layer: every fact file read through one loader, each naming its source."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from appstack import data

FILES = sorted(
    entry.name.removesuffix(".json")
    for entry in resources.files("appstack.data").iterdir()
    if entry.name.endswith(".json")
)


def test_every_data_file_is_read_once_and_shared() -> None:
    for name in FILES:
        assert data.load(name) is data.load(name)


@pytest.mark.parametrize("name", FILES)
def test_every_data_file_names_its_source(name: str) -> None:
    facts = data.load(name)
    sources = [key for key in facts if key.lstrip("_").startswith("source")]
    assert sources, f"data/{name}.json has no source"
    assert all(str(facts[key]).strip() for key in sources)


@pytest.mark.parametrize("name", [*FILES, *data.names("prices")])
def test_every_data_file_says_when_its_source_was_read(name: str) -> None:
    """A date beside the source (`date`, or `compiled` for a price table), or in it."""
    facts = data.load(name)
    said = [str(v) for k, v in facts.items() if k.lstrip("_").startswith(("source", "date"))]
    said.append(str(facts.get("compiled", "")))
    assert any(re.search(r"\b20\d\d-[01]\d\b", text) for text in said), (
        f"data/{name}.json does not say when its source was read"
    )


def test_price_tables_are_listed_by_the_name_load_takes() -> None:
    regions = data.names("prices")
    assert "prices/us-east-1" in regions
    for region in regions:
        prices = data.load(region)["prices"]
        assert all(price["source"] for price in prices.values()), region


def test_a_missing_data_file_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(FileNotFoundError):
        data.load("no_such_facts")


def test_log_retention_periods_are_the_ones_cloudwatch_logs_accepts() -> None:
    # The registry schema of AWS::Logs::LogGroup (shipped with cfn-lint) lists them too.
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    from appstack import config

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::Logs::LogGroup")
    allowed = schema.schema["properties"]["RetentionInDays"]["enum"]
    assert data.load("logs")["retention_in_days"] == allowed
    assert list(config.LOG_RETENTION_DAYS) == allowed


def test_reserved_master_user_names_are_data_with_their_source() -> None:
    facts = data.load("aurora")
    assert "_source_master_username" in facts
    assert {"admin", "rdsadmin"} <= set(facts["master_username"]["reserved"])
    assert facts["master_username"]["reserved_prefix"] == "pg_"
