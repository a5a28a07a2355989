"""EM103: DeletionPolicy / UpdateReplacePolicy Snapshot takes the final snapshot AWS takes.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
and https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import (
    aurora_cluster,
    client,
    deploy,
    physical_id,
    replication_group,
    topic,
    unique,
)

REGION = "ap-northeast-2"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def rds(emulator_endpoint: str) -> Any:
    return client("rds", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def elasticache(emulator_endpoint: str) -> Any:
    return client("elasticache", emulator_endpoint, REGION)


def cluster_snapshots(rds: Any, cluster: str) -> list[str]:
    """The cluster's manual snapshots (a final snapshot is one; RDS takes automated ones)."""
    snapshots = rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
    return [
        s["DBClusterSnapshotIdentifier"] for s in snapshots if s["DBClusterIdentifier"] == cluster
    ]


def group_snapshots(elasticache: Any, group: str) -> list[str]:
    snapshots = elasticache.describe_snapshots()["Snapshots"]
    return [s["SnapshotName"] for s in snapshots if s.get("ReplicationGroupId") == group]


def test_deleting_the_stack_snapshots_the_aurora_cluster(cfn: Any, rds: Any) -> None:
    stack = unique("snapdel")
    deploy(cfn, stack, {"Resources": {"Db": {**aurora_cluster(), "DeletionPolicy": "Snapshot"}}})
    cluster = physical_id(cfn, stack, "Db")
    cfn.delete_stack(StackName=stack)
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]].count(
        cluster
    ) == 0
    assert len(cluster_snapshots(rds, cluster)) == 1


def test_an_aurora_cluster_without_a_deletion_policy_is_snapshotted_too(cfn: Any, rds: Any) -> None:
    stack = unique("snapdefault")
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Db": aurora_cluster()}})
    cluster = physical_id(cfn, stack, "Db")
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"
    assert len(cluster_snapshots(rds, cluster)) == 1


def test_an_update_removing_the_replication_group_snapshots_it(cfn: Any, elasticache: Any) -> None:
    stack = unique("snapcache")
    cache = {**replication_group(), "DeletionPolicy": "Snapshot"}
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Cache": cache}})
    group = physical_id(cfn, stack, "Cache")
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"
    groups = elasticache.describe_replication_groups()["ReplicationGroups"]
    assert group not in [g["ReplicationGroupId"] for g in groups]
    assert len(group_snapshots(elasticache, group)) == 1


def test_a_replaced_cluster_is_snapshotted_by_its_update_replace_policy(cfn: Any, rds: Any) -> None:
    stack = unique("snaprepl")
    db = {**aurora_cluster(), "UpdateReplacePolicy": "Snapshot", "DeletionPolicy": "Snapshot"}
    deploy(cfn, stack, {"Resources": {"Db": db}})
    old = physical_id(cfn, stack, "Db")
    replaced = {**db, "Properties": {**db["Properties"], "StorageEncrypted": True}}
    assert deploy(cfn, stack, {"Resources": {"Db": replaced}}) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "Db") != old
    assert len(cluster_snapshots(rds, old)) == 1


def test_retain_keeps_the_cluster_when_the_stack_is_deleted(cfn: Any, rds: Any) -> None:
    stack = unique("retaindb")
    deploy(cfn, stack, {"Resources": {"Db": {**aurora_cluster(), "DeletionPolicy": "Retain"}}})
    cluster = physical_id(cfn, stack, "Db")
    cfn.delete_stack(StackName=stack)
    assert cluster in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]
    assert cluster_snapshots(rds, cluster) == []
