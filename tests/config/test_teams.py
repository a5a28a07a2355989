"""The settings a team shares: accounts and the way into them, Regions, tags; through
`config.parse`, as a user's file reaches them."""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from appstack.errors import ConfigError


def env(**settings: Any) -> dict[str, Any]:
    return {"environments": {"prod": settings}}


def problem(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        config.parse(data)
    return str(caught.value)


def test_an_account_is_twelve_digits_and_an_unquoted_one_is_taken_as_written() -> None:
    assert config.parse(env(account=111111111111)).environments["prod"].account == "111111111111"
    message = problem(env(account="1234"))
    assert "environments.prod.account" in message and "12 digits" in message


def test_a_role_of_another_account_than_the_environments_is_refused() -> None:
    message = problem(env(account="111111111111", role_arn="arn:aws:iam::222222222222:role/d"))
    assert "belongs to account 222222222222" in message and "environments.prod" in message


def test_a_role_arn_must_name_an_iam_role() -> None:
    assert "not an IAM role ARN" in problem(env(role_arn="arn:aws:iam::111111111111:user/d"))


def test_environment_tags_win_over_the_top_level_ones() -> None:
    app = config.parse({"tags": {"team": "web", "owner": "a"}, **env(tags={"team": "shop"})})
    assert config.resolve(app, "prod").tags == {"team": "shop", "owner": "a"}
    assert config.resolve(app, "dev").tags == {"team": "web", "owner": "a"}


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"aws:createdBy": "me"}, "reserved for AWS"),
        ({"AWS:x": "me"}, "reserved for AWS"),
        ({"k" * 129: "v"}, "use 1 to 128"),
        ({"team": "v" * 257}, "1 to 256"),
        ({"team": ""}, "1 to 256"),
        ({"team": "a;b"}, "character tags do not take"),
        ({f"t{i}": "v" for i in range(51)}, "at most 50"),
    ],
)
def test_tags_outside_the_limits_of_aws_are_refused(tags: dict[str, str], expected: str) -> None:
    assert expected in problem({"tags": tags})
    assert expected in problem(env(tags=tags))


def test_merged_tags_keep_the_limit_of_fifty() -> None:
    top = {f"a{i}": "v" for i in range(30)}
    own = {f"b{i}": "v" for i in range(30)}
    assert "environment 'prod' has 60 tags" in problem({"tags": top, **env(tags=own)})


def test_regions_default_to_the_top_level_region_and_are_named_once() -> None:
    app = config.parse({"region": "eu-west-1", **env(regions=["us-east-1", "eu-west-1"])})
    assert config.resolve(app, "prod").regions == ("us-east-1", "eu-west-1")
    assert config.resolve(app, "dev").regions == ("eu-west-1",)
    assert "named twice" in problem(env(regions=["us-east-1", "us-east-1"]))
    assert "not an AWS Region" in problem(env(regions=["moon-1"]))
