"""Protection of data: the data-loss guard and the stack policy, from one table.

What holds data and which policies keep it is the stateful table (`appstack.data.stateful`,
which rule AS003 reads too); what a change does to it is the classifier's verdict. The guard
refuses what the classifier gates behind --allow-data-loss, and the stack policy denies
replacing and deleting every resource that holds data, except the logical ids a deploy with
--allow-data-loss lifts for its own operation. Stack policies:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from appstack.data.stateful import holds_data
from appstack.deploy import classify
from appstack.deploy.changesets import Change

#: What a stack without a policy allows: every update (a policy cannot be removed, only
#: replaced, so restoring "no policy" sets this one).
ALLOW_ALL = json.dumps(
    {"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]},
    separators=(",", ":"),
)

_SHORT = {"Remove": "would be deleted", "Modify": "would be replaced"}


def risks(changes: Iterable[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One sentence per change that would lose the data of a stateful resource: the
    verdicts the classifier gates behind --allow-data-loss."""
    found = []
    for verdict in classify.classify(changes, old, new).verdicts:
        if verdict.gate != classify.ALLOW_DATA_LOSS:
            continue
        change = verdict.change
        what = f"{change.logical_id} ({change.resource_type})"
        if change.action == "Modify" and change.replacement not in ("True", "Conditional"):
            found.append(f"{what} {verdict.effect.removeprefix('it ')}")
        else:
            found.append(f"{what} {_SHORT[change.action]}")
    return found


def protected(template: Mapping[str, Any]) -> list[str]:
    """The logical ids the stack policy of `template` protects: every resource that holds
    data (the stateful table)."""
    return sorted(
        name
        for name, resource in template.get("Resources", {}).items()
        if holds_data(resource.get("Type", ""), resource)
    )


def stack_policy(template: Mapping[str, Any], lifted: Collection[str] = ()) -> str:
    """A stack policy denying Replace and Delete on every resource of `template` that holds
    data, except `lifted` (the ids --allow-data-loss lets this operation replace or delete)."""
    names = [n for n in protected(template) if n not in set(lifted)]
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}
    ]
    if names:
        statements.append(
            {
                "Effect": "Deny",
                "Action": ["Update:Replace", "Update:Delete"],
                "Principal": "*",
                "Resource": [f"LogicalResourceId/{n}" for n in names],
            }
        )
    return json.dumps({"Statement": statements}, separators=(",", ":"))
