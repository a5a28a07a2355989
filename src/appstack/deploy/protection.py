"""Refuse a change that would lose data: stateful resources removed or replaced unprotected."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from appstack.deploy.changesets import Change

#: Resource types that hold data (source: each service's CloudFormation reference).
STATEFUL_TYPES: frozenset[str] = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::SecretsManager::Secret",
        "AWS::Backup::BackupVault",
        "AWS::Logs::LogGroup",
    }
)
KEEPS_DATA = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})


def risks(changes: Iterable[Change], old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One sentence per change that would lose the data of a stateful resource."""
    old_resources = old.get("Resources", {})
    new_resources = new.get("Resources", {})
    found = []
    for change in changes:
        if change.resource_type not in STATEFUL_TYPES:
            continue
        before = old_resources.get(change.logical_id, {})
        after = new_resources.get(change.logical_id, {})
        if change.action == "Remove" and before.get("DeletionPolicy") not in KEEPS_DATA:
            found.append(f"{change.logical_id} ({change.resource_type}) would be deleted")
        elif change.action == "Modify" and change.replacement in ("True", "Conditional"):
            if after.get("UpdateReplacePolicy") not in KEEPS_DATA:
                found.append(
                    f"{change.logical_id} ({change.resource_type}) would be replaced "
                    "without UpdateReplacePolicy Retain or Snapshot"
                )
        elif change.action == "Modify":
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                if before.get(policy) in KEEPS_DATA and after.get(policy) not in KEEPS_DATA:
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
        if resource.get("Type") in STATEFUL_TYPES
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
