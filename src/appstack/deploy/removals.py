"""What a change does to each resource it removes: kept, deleted after a final snapshot, or
deleted; said before the change runs, and checked against the account once it has.

The fate follows the resource's DeletionPolicy, which also applies to resources an update
removes (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html):
Retain keeps the resource, Snapshot deletes it after a final snapshot (for the types that
support it; the default of AWS::RDS::DBCluster), anything else deletes it. A resource with
deletion protection on cannot be deleted at all: in an update's cleanup CloudFormation then
drops it from the stack, leaves it running, and still completes the update
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html),
with no final snapshot; such a removal needs deletion protection lifted first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.data.stateful import keeps_data, stateful_types
from appstack.deploy.repair import deletion_protected

if TYPE_CHECKING:
    from appstack.deploy.changesets import Change
    from appstack.deploy.session import Connection

KEPT, SNAPSHOT, DELETED = "kept", "snapshot", "deleted"

#: Types whose DeletionPolicy defaults to Snapshot (the DeletionPolicy reference above).
_SNAPSHOT_BY_DEFAULT = frozenset({"AWS::RDS::DBCluster"})


@dataclass(frozen=True)
class Removal:
    logical_id: str
    resource_type: str
    physical_id: str
    fate: str  # KEPT | SNAPSHOT | DELETED
    deletion_protected: bool = False
    #: Whether its data goes with it (a stateful resource no DeletionPolicy keeps).
    stateful: bool = False

    @property
    def label(self) -> str:
        named = f", {self.physical_id}" if self.physical_id else ""
        return f"{self.logical_id} ({self.resource_type}{named})"


def fate(resource: Mapping[str, Any]) -> str:
    """KEPT, SNAPSHOT or DELETED: what removing `resource` from its stack does to it."""
    kind = resource.get("Type", "")
    default = "Snapshot" if kind in _SNAPSHOT_BY_DEFAULT else "Delete"
    policy = resource.get("DeletionPolicy", default)
    if policy in ("Retain", "RetainExceptOnCreate"):
        return KEPT
    if policy == "Snapshot" and stateful_types().get(kind, {}).get("snapshot"):
        return SNAPSHOT
    return DELETED


def of(
    changes: Iterable[Change], deployed: Mapping[str, Any], physical_ids: Mapping[str, str]
) -> list[Removal]:
    """The removals among `changes`, judged on the deployed template."""
    resources = deployed.get("Resources", {})
    found = []
    for change in changes:
        if change.action != "Remove":
            continue
        resource = {"Type": change.resource_type, **resources.get(change.logical_id, {})}
        found.append(
            Removal(
                change.logical_id,
                change.resource_type,
                physical_ids.get(change.logical_id, ""),
                fate(resource),
                deletion_protected(resource),
                change.resource_type in stateful_types()
                and not keeps_data(resource, "DeletionPolicy"),
            )
        )
    return found


# ------------------------------------------------------------------ checked afterwards

_ERRORS = (ClientError, BotoCoreError)


def _cluster_snapshots(conn: Connection, cluster: str) -> list[str]:
    answer = conn.client("rds").describe_db_cluster_snapshots(
        DBClusterIdentifier=cluster, SnapshotType="manual"
    )
    snapshots = sorted(
        answer.get("DBClusterSnapshots", []), key=lambda s: str(s.get("SnapshotCreateTime", ""))
    )
    return [s["DBClusterSnapshotIdentifier"] for s in snapshots]


def _cache_snapshots(conn: Connection, group: str) -> list[str]:
    # All snapshots, filtered here: asking by ReplicationGroupId may answer
    # ReplicationGroupNotFoundFault once the group is gone.
    pages = conn.client("elasticache").get_paginator("describe_snapshots").paginate()
    return [
        s["SnapshotName"]
        for page in pages
        for s in page.get("Snapshots", [])
        if s.get("ReplicationGroupId") == group
    ]


Describe = Callable[["Connection", str], Any]

#: How to ask for a kept resource by its physical ID, and the error code (its start) that
#: says it is not there; any other error is not an answer.
_DESCRIBE: dict[str, Describe] = {
    "AWS::DynamoDB::Table": lambda c, n: c.client("dynamodb").describe_table(TableName=n),
    "AWS::S3::Bucket": lambda c, n: c.client("s3").head_bucket(Bucket=n),
    "AWS::KMS::Key": lambda c, n: c.client("kms").describe_key(KeyId=n),
    "AWS::SecretsManager::Secret": lambda c, n: c.client("secretsmanager").describe_secret(
        SecretId=n
    ),
    "AWS::Backup::BackupVault": lambda c, n: c.client("backup").describe_backup_vault(
        BackupVaultName=n
    ),
    "AWS::RDS::DBCluster": lambda c, n: c.client("rds").describe_db_clusters(DBClusterIdentifier=n),
    "AWS::ElastiCache::ReplicationGroup": lambda c, n: c.client(
        "elasticache"
    ).describe_replication_groups(ReplicationGroupId=n),
}


_NOT_FOUND: dict[str, str] = {
    "AWS::DynamoDB::Table": "ResourceNotFoundException",
    "AWS::S3::Bucket": "404",  # HeadBucket answers with the status alone
    "AWS::KMS::Key": "NotFoundException",
    "AWS::SecretsManager::Secret": "ResourceNotFoundException",
    "AWS::Backup::BackupVault": "ResourceNotFoundException",
    "AWS::RDS::DBCluster": "DBClusterNotFound",
    "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupNotFound",
}


def _still_there(conn: Connection, kind: str, physical_id: str) -> bool:
    """Whether a resource of `kind` is still in the account: False on its not-found error;
    another error (access denied, throttling) is raised, for "could not be checked"."""
    try:
        _DESCRIBE[kind](conn, physical_id)
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code", "")).startswith(_NOT_FOUND[kind]):
            return False
        raise
    return True


#: How to find a type's final snapshots.
_SNAPSHOTS: dict[str, Callable[[Connection, str], list[str]]] = {
    "AWS::RDS::DBCluster": _cluster_snapshots,
    "AWS::ElastiCache::ReplicationGroup": _cache_snapshots,
}


@dataclass
class Checked:
    """What the account shows after the change: facts, and what differs from the promise."""

    facts: list[str]
    problems: list[str]


def check(conn: Connection, removals: Iterable[Removal]) -> Checked:
    """Ask the account whether each removal did what was said before it ran."""
    result = Checked([], [])
    for removal in removals:
        if not removal.physical_id:
            continue
        try:
            _check_one(conn, removal, result)
        except _ERRORS as exc:
            result.problems.append(f"{removal.label}: could not be checked ({exc})")
    return result


def _check_one(conn: Connection, removal: Removal, result: Checked) -> None:
    kind = removal.resource_type
    if removal.fate == SNAPSHOT and kind in _SNAPSHOTS:
        taken = _SNAPSHOTS[kind](conn, removal.physical_id)
        if taken:
            result.facts.append(f"{removal.label}: deleted after a final snapshot, {taken[-1]}")
        else:
            result.problems.append(f"{removal.label}: no final snapshot found")
        if _still_there(conn, kind, removal.physical_id):
            result.problems.append(
                f"{removal.label}: still in the account, out of the stack (CloudFormation "
                "could not delete it); delete it yourself once its data is safe"
            )
    elif removal.fate == KEPT and kind in _DESCRIBE:
        if _still_there(conn, kind, removal.physical_id):
            result.facts.append(f"{removal.label}: kept in the account")
        else:
            result.problems.append(f"{removal.label}: was to be kept, but is gone")
