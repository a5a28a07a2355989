"""EM103: a Snapshot policy takes the final snapshot before the resource goes.

With `DeletionPolicy: Snapshot` (and `UpdateReplacePolicy: Snapshot` for the copy a
replacement leaves), CloudFormation snapshots an Aurora cluster (a DB cluster snapshot,
listed by DescribeDBClusterSnapshots) and an ElastiCache replication group (a snapshot
listed by DescribeSnapshots) before deleting it; an AWS::RDS::DBCluster without a
DeletionPolicy is snapshotted too. moto 5.2.5 deletes them without a snapshot.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import em100_update_lifecycle as lifecycle
from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-attribute-deletionpolicy.html"
)


def _aurora_cluster(resource: Any, resource_map: Any, name: str) -> None:
    """DeleteDBCluster with a final snapshot: refused (with no snapshot) while the cluster
    has instances or deletion protection, as RDS refuses it."""
    from moto.rds.models import rds_backends

    backend = rds_backends[resource_map._account_id][resource_map._region_name]
    backend.delete_db_cluster(resource.physical_resource_id, snapshot_name=name)


def _replication_group(resource: Any, resource_map: Any, name: str) -> None:
    """DeleteReplicationGroup with FinalSnapshotIdentifier."""
    from moto.elasticache.models import elasticache_backends

    backend = elasticache_backends[resource_map._account_id][resource_map._region_name]
    group_id = resource.physical_resource_id
    if group_id in backend.replication_groups:
        backend.create_snapshot(
            snapshot_name=name,
            replication_group_id=group_id,
            cache_cluster_id=None,
            kms_key_id=None,
            tags=None,
        )
    resource.delete(resource_map._account_id, resource_map._region_name)


@rule("EM103", "A Snapshot policy takes the final snapshot before deleting", SOURCE)
def install() -> None:
    lifecycle.SNAPSHOTS["AWS::RDS::DBCluster"] = _aurora_cluster
    lifecycle.SNAPSHOTS["AWS::ElastiCache::ReplicationGroup"] = _replication_group
