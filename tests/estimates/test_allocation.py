"""Estimates grouped by a cost-allocation tag."""

from __future__ import annotations

from appstack.estimates.allocation import Share, TagGroup, by_tag


def test_environments_are_grouped_by_their_tag_value_and_the_untagged_come_last() -> None:
    shares = [
        Share("dev", "us-east-1", {"team": "web"}, 10.0),
        Share("staging", "us-east-1", {"team": "web"}, 20.0),
        Share("prod", "us-east-1", {"team": "shop"}, 100.0),
        Share("prod", "eu-west-1", {"team": "shop"}, 110.0),
        Share("lab", "us-east-1", {}, 500.0),
    ]
    assert by_tag(shares, "team") == [
        TagGroup("shop", ("prod (us-east-1)", "prod (eu-west-1)"), 210.0),
        TagGroup("web", ("dev (us-east-1)", "staging (us-east-1)"), 30.0),
        TagGroup(None, ("lab (us-east-1)",), 500.0),
    ]
