"""Settings of an environment shared by a team: the account it lives in and the way into it,
its Regions, and the tags of its stack. Checked here, used by `appstack.config.schema`."""

from __future__ import annotations

import re

from appstack.config.fields import ACCOUNT, each_matching

#: An IAM role's ARN (any partition); the account is the 5th field.
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")

#: Stack tags: at most 50, a key of 1 to 128 characters not starting with `aws:` (reserved
#: for AWS), a value of 1 to 256 characters
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Tag.html,
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
#: CloudFormation copies them onto every resource that takes tags, so they are held to the
#: characters every service accepts: letters, digits, spaces and `_ . : / = + - @`
#: (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]*$")
RESERVED_PREFIX = "aws:"


def valid_tags(tags: dict[str, str]) -> dict[str, str]:
    """`tags` when CloudFormation and the services it tags accept them; ValueError naming the
    tag and the limit otherwise."""
    if len(tags) > MAX_TAGS:
        raise ValueError(f"{len(tags)} tags; a stack takes at most {MAX_TAGS}: remove some")
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise ValueError(f"tag key {key[:40]!r} has {len(key)} characters; use 1 to 128")
        if key.lower().startswith(RESERVED_PREFIX):
            raise ValueError(f"tag key {key!r}: the prefix `aws:` is reserved for AWS; rename it")
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_TAG_VALUE:
            raise ValueError(
                f"tag {key!r}: the value must be text of 1 to {MAX_TAG_VALUE} characters "
                "(quote numbers and booleans in YAML)"
            )
        for text in (key, value):
            if not _TAG_TEXT.match(text):
                raise ValueError(
                    f"tag {key!r}: {text[:40]!r} holds a character tags do not take; use "
                    "letters, digits, spaces and _ . : / = + - @"
                )
    return tags


def merged_tags(top: dict[str, str], own: dict[str, str]) -> dict[str, str]:
    """The environment's tags over the top-level ones."""
    return {**top, **own}


def check_merged_tags(top: dict[str, str], environments: dict[str, dict[str, str]]) -> None:
    """Each environment's merged tags keep the 50-tag limit of a stack."""
    for name, own in environments.items():
        count = len(merged_tags(top, own))
        if count > MAX_TAGS:
            raise ValueError(
                f"environment {name!r} has {count} tags with the top-level `tags`; a stack "
                f"takes at most {MAX_TAGS}: remove some"
            )


def valid_regions(regions: tuple[str, ...], pattern: re.Pattern[str]) -> tuple[str, ...]:
    each_matching(pattern, "is not an AWS Region code; write it like us-east-1")(regions)
    if len(set(regions)) != len(regions):
        raise ValueError(f"{', '.join(regions)}: a Region is named twice; name each once")
    return regions


def valid_account(value: object) -> object:
    """An account id as text (YAML reads 12 digits as a number: it is taken as written)."""
    if value is None:
        return None
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not ACCOUNT.match(text):
        raise ValueError(
            f"{value!r} is not an AWS account id; write its 12 digits in quotes, like "
            "'123456789012'"
        )
    return text


def valid_role_arn(value: str | None) -> str | None:
    if value is not None and not _ROLE_ARN.match(value):
        raise ValueError(
            f"{value!r} is not an IAM role ARN; write it like "
            "arn:aws:iam::123456789012:role/appstack-deploy"
        )
    return value


def role_account(role_arn: str) -> str:
    """The account a role belongs to (the 5th field of its ARN)."""
    return role_arn.split(":")[4]


def check_role_account(account: str | None, role_arn: str | None) -> None:
    """A role of another account than the environment's cannot reach it."""
    if account and role_arn and role_account(role_arn) != account:
        raise ValueError(
            f"role_arn {role_arn} belongs to account {role_account(role_arn)}, not to the "
            f"environment's account {account}; use a role of account {account}"
        )
