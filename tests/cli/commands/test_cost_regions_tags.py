"""`appstack cost` for a team: per Region for an environment in several, and every
environment grouped by a cost-allocation tag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_runner import run
from test_cli_json import matches_schema

CONFIG = """\
application_name: shop
tags: {team: web}
environments:
  prod:
    regions: [us-east-1, eu-west-1, ap-east-2]
    tags: {team: shop}
  lab:
    vpc_cidr: 10.40.0.0/16
    tags: {owner: me}
"""


@pytest.fixture
def config_file(tmp_path: Path) -> str:
    path = tmp_path / "appstack.yaml"
    path.write_text(CONFIG)
    return str(path)


def test_an_environment_in_several_regions_is_priced_in_each_and_says_where_it_cannot_be(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["cost", "prod", "-c", config_file, "--output", "json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "cost")
    regions = {r["region"]: r for r in answer["regions"]}
    assert regions["us-east-1"]["monthly"] > 0 and regions["eu-west-1"]["monthly"] > 0
    assert regions["us-east-1"]["monthly"] != regions["eu-west-1"]["monthly"]
    assert regions["ap-east-2"]["monthly"] is None
    assert "prices only for eu-west-1, us-east-1" in regions["ap-east-2"]["problem"]
    code, out, err = run(["cost", "prod", "-c", config_file], capsys)
    assert code == 0 and "per Region" in out and "ap-east-2: not estimated" in err


def test_cost_by_tag_groups_every_environment_by_its_merged_tag_value(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["cost", "--by-tag", "team", "-c", config_file, "--output", "json"], capsys
    )
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "cost")
    groups = {g["value"]: g for g in answer["groups"]}
    assert groups["shop"]["environments"] == ["prod (us-east-1)", "prod (eu-west-1)"]
    assert groups["web"]["environments"] == [
        "dev (us-east-1)",
        "staging (us-east-1)",
        "lab (us-east-1)",
    ]
    assert answer["not_estimated"] == ["prod (ap-east-2)"]
    code, out, err = run(["cost", "--by-tag", "owner", "-c", config_file], capsys)
    assert code == 0 and "(untagged)" in out and "cost-allocation tag" in err


def test_cost_by_tag_takes_no_environment_and_cost_without_one_needs_by_tag(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["cost", "prod", "--by-tag", "team", "-c", config_file], capsys)
    assert code == 2 and "drop ENV" in err
    code, _, err = run(["cost", "-c", config_file], capsys)
    assert code == 2 and "--by-tag" in err
