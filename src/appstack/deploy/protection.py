"""Refuse a change that would lose data: stateful resources removed or replaced unprotected.

What holds data, and which policies keep it, is the same knowledge the AS003 rule uses
(`data/stateful.json`): one table for the check before a deploy and the guard during it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from appstack.checks.rules.stateful_policies import keeps_data, stateful_types
from appstack.deploy.changesets import Change

#: DeletionPolicy values that leave the data behind (the resource itself, or a snapshot).
KEEPS_DATA = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})


def _stateful(resource_type: str) -> bool:
    return resource_type in stateful_types()


def risks(changes: Iterable[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One sentence per change that would lose the data of a stateful resource."""
    old_resources = old.get("Resources", {})
    new_resources = new.get("Resources", {})
    found = []
    for change in changes:
        if not _stateful(change.resource_type):
            continue
        before = {"Type": change.resource_type, **old_resources.get(change.logical_id, {})}
        after = {"Type": change.resource_type, **new_resources.get(change.logical_id, {})}
        if change.action == "Remove" and not keeps_data(before, "DeletionPolicy"):
            found.append(f"{change.logical_id} ({change.resource_type}) would be deleted")
        elif change.action == "Modify" and change.replacement in ("True", "Conditional"):
            if not keeps_data(after, "UpdateReplacePolicy"):
                found.append(
                    f"{change.logical_id} ({change.resource_type}) would be replaced "
                    "without UpdateReplacePolicy Retain or Snapshot"
                )
        elif change.action == "Modify":
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                if keeps_data(before, policy) and not keeps_data(after, policy):
                    found.append(
                        f"{change.logical_id} ({change.resource_type}) would lose its "
                        f"{policy} {before[policy]}"
                    )
    return found


def stack_policy(template: Mapping[str, Any]) -> str:
    """A stack policy denying Replace and Delete on every stateful resource of `template`."""
    protected = sorted(
        f"LogicalResourceId/{name}"
        for name, resource in template.get("Resources", {}).items()
        if _stateful(resource.get("Type", ""))
        and keeps_data(resource, "UpdateReplacePolicy")
        # Instances of a cluster hold no data of their own; the cluster itself may be named.
        and not (
            resource.get("Type") == "AWS::RDS::DBInstance"
            and resource.get("Properties", {}).get("DBClusterIdentifier")
        )
    )
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}
    ]
    if protected:
        statements.append(
            {
                "Effect": "Deny",
                "Action": ["Update:Replace", "Update:Delete"],
                "Principal": "*",
                "Resource": protected,
            }
        )
    return json.dumps({"Statement": statements}, separators=(",", ":"))
