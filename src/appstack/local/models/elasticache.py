"""The cache on moto's ElastiCache backend: AWS::ElastiCache::SubnetGroup and
ReplicationGroup (its AUTH token arrives resolved from the secret)."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.elasticache.models import elasticache_backends

from appstack.local.models._base import BackendModel, Place, Props, bounded_name, model, tag_list


@model("AWS::ElastiCache::SubnetGroup")
class CacheSubnetGroup(BackendModel, CloudFormationModel, BaseModel):
    """The cache's subnet group; Ref is its name."""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> CacheSubnetGroup:
        name = bounded_name(name, 255).lower()
        at.backend(elasticache_backends).create_cache_subnet_group(
            cache_subnet_group_name=name,
            cache_subnet_group_description=p.get("Description", ""),
            subnet_ids=list(p.get("SubnetIds", [])),
            tags=tag_list(p),
        )
        return cls(name)

    def remove(self, at: Place) -> None:
        # moto 5.2.5 has no DeleteCacheSubnetGroup: take it out of the backend directly.
        at.backend(elasticache_backends).cache_subnet_groups.pop(self.physical_id, None)


@model("AWS::ElastiCache::ReplicationGroup")
class CacheReplicationGroup(BackendModel, CloudFormationModel, BaseModel):
    """The cache; Ref is its ID."""

    attributes: ClassVar[dict[str, str]] = {
        "PrimaryEndPoint.Address": "primary_address",
        "PrimaryEndPoint.Port": "port",
        "ReaderEndPoint.Address": "reader_address",
        "ReaderEndPoint.Port": "port",
    }

    def __init__(self, group: Any) -> None:
        super().__init__(str(group.replication_group_id))
        node_group = group.node_groups[0]
        self.primary_address = str(node_group.get("primary_endpoint_address", ""))
        self.reader_address = str(node_group.get("reader_endpoint_address", ""))
        self.port = str(group.port)

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> CacheReplicationGroup:
        group = at.backend(elasticache_backends).create_replication_group(
            replication_group_id=bounded_name(name, 40).lower().replace("--", "-"),
            replication_group_description=p.get("ReplicationGroupDescription", ""),
            global_replication_group_id=p.get("GlobalReplicationGroupId"),
            primary_cluster_id=p.get("PrimaryClusterId"),
            automatic_failover_enabled=bool(p.get("AutomaticFailoverEnabled", False)),
            multi_az_enabled=bool(p.get("MultiAZEnabled", False)),
            num_cache_clusters=int(p.get("NumCacheClusters", 1)),
            preferred_cache_cluster_azs=list(p.get("PreferredCacheClusterAZs", [])),
            num_node_groups=int(p.get("NumNodeGroups", 1)),
            replicas_per_node_group=int(p.get("ReplicasPerNodeGroup", 0)),
            node_group_configuration=list(p.get("NodeGroupConfiguration", [])),
            cache_node_type=p.get("CacheNodeType"),
            engine=p.get("Engine", "redis"),
            engine_version=p.get("EngineVersion"),
            cache_parameter_group_name=p.get("CacheParameterGroupName"),
            cache_subnet_group_name=p.get("CacheSubnetGroupName"),
            cache_security_group_names=list(p.get("CacheSecurityGroupNames", [])),
            security_group_ids=list(p.get("SecurityGroupIds", [])),
            tags=tag_list(p),
            snapshot_arns=list(p.get("SnapshotArns", [])),
            snapshot_name=p.get("SnapshotName"),
            preferred_maintenance_window=p.get("PreferredMaintenanceWindow"),
            port=int(p.get("Port", 6379)),
            notification_topic_arn=p.get("NotificationTopicArn"),
            auto_minor_version_upgrade=bool(p.get("AutoMinorVersionUpgrade", True)),
            snapshot_retention_limit=int(p.get("SnapshotRetentionLimit", 0)),
            snapshot_window=p.get("SnapshotWindow"),
            auth_token=p.get("AuthToken"),
            transit_encryption_enabled=bool(p.get("TransitEncryptionEnabled", False)),
            at_rest_encryption_enabled=bool(p.get("AtRestEncryptionEnabled", False)),
            kms_key_id=p.get("KmsKeyId"),
            user_group_ids=list(p.get("UserGroupIds", [])),
            log_delivery_configurations=list(p.get("LogDeliveryConfigurations", [])),
            data_tiering_enabled=bool(p.get("DataTieringEnabled", False)),
            network_type=p.get("NetworkType"),
            ip_discovery=p.get("IpDiscovery"),
            transit_encryption_mode=p.get("TransitEncryptionMode"),
            cluster_mode=p.get("ClusterMode"),
            serverless_cache_snapshot_name=None,
        )
        return cls(group)

    def update(self, p: Props, at: Place) -> CacheReplicationGroup:
        """ModifyReplicationGroup with what changes in place (subnet group, port and the
        other create-only properties replace the group: fidelity EM102)."""
        at.backend(elasticache_backends).modify_replication_group(
            replication_group_id=self.physical_id,
            replication_group_description=p.get("ReplicationGroupDescription"),
            engine=p.get("Engine"),
            cache_node_type=p.get("CacheNodeType"),
            automatic_failover_enabled=bool(p.get("AutomaticFailoverEnabled", False)),
            multi_az_enabled=bool(p.get("MultiAZEnabled", False)),
            snapshot_retention_limit=int(p.get("SnapshotRetentionLimit", 0)),
        )
        return self

    def remove(self, at: Place) -> None:
        backend = at.backend(elasticache_backends)
        if self.physical_id in backend.replication_groups:
            backend.delete_replication_group(self.physical_id, retain_primary_cluster=False)
            backend.replication_groups.pop(self.physical_id, None)
