"""Cost allocation by tag: estimated monthly costs grouped by the value of one tag.

AWS groups a bill by a tag only once the tag key is activated as a cost-allocation tag (in
the Billing console, by the management account), and only from then on: costs before the
activation, and charges on nothing taggable, stay untagged.
https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html
The stack's tags reach every resource that takes tags (CloudFormation copies them), so an
environment's estimate is attributed whole to its value of the tag: this is what Cost
Explorer grouped by that key would show once activated, give or take the few charges that
carry no tag (data transfer between Regions, for one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Share:
    """One environment's estimate in one Region, and its tags."""

    environment: str
    region: str
    tags: dict[str, str]
    monthly: float


@dataclass(frozen=True)
class TagGroup:
    #: The tag's value; None for the environments without the tag (untagged in the bill).
    value: str | None
    environments: tuple[str, ...]
    monthly: float


def by_tag(shares: Iterable[Share], key: str) -> list[TagGroup]:
    """The shares grouped by their value of tag `key`, the most expensive first; the
    untagged last."""
    groups: dict[str | None, list[Share]] = {}
    for share in shares:
        groups.setdefault(share.tags.get(key), []).append(share)
    result = [
        TagGroup(
            value,
            tuple(dict.fromkeys(f"{s.environment} ({s.region})" for s in members)),
            sum(s.monthly for s in members),
        )
        for value, members in groups.items()
    ]
    return sorted(result, key=lambda g: (g.value is None, -g.monthly, g.value or ""))
