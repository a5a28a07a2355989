"""Aurora on moto's RDS backend: AWS::RDS::DBCluster, and DBInstance joined to a cluster."""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.rds.models import DBInstance as MotoDBInstance
from moto.rds.models import rds_backends

from appstack.local.models._base import _KeptAsCreated, bounded_name


class AuroraCluster(_KeptAsCreated, CloudFormationModel, BaseModel):
    """AWS::RDS::DBCluster in moto's RDS backend (DescribeDBClusters sees it, and moto's own
    AWS::RDS::DBInstance model joins its instances to it). Its master password arrives
    resolved from a secret (see `fixes.resolve_secret_references`), or RDS manages it
    (`ManageMasterUserPassword`, its secret in `MasterUserSecret.SecretArn`)."""

    def __init__(self, identifier: str, cluster: Any) -> None:
        self.identifier = identifier
        self.cluster = cluster

    @property
    def physical_resource_id(self) -> str:
        return self.identifier

    type_name = "AWS::RDS::DBCluster"
    name_property = "DBClusterIdentifier"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in (
            "Endpoint.Address",
            "Endpoint.Port",
            "ReadEndpoint.Address",
            "DBClusterArn",
            "DBClusterResourceId",
            "MasterUserSecret.SecretArn",
        )

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "MasterUserSecret.SecretArn":
            return self.cluster.master_user_secret.secret_arn
        return {
            "Endpoint.Address": self.cluster.endpoint,
            "Endpoint.Port": str(self.cluster.port),
            "ReadEndpoint.Address": self.cluster.reader_endpoint,
            "DBClusterArn": self.cluster.db_cluster_arn,
            "DBClusterResourceId": self.cluster.resource_id,
        }[attribute_name]

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> AuroraCluster:
        identifier = (
            p.get("DBClusterIdentifier") or f"{resource_name}-{uuid.uuid4().hex[:8]}"
        ).lower()
        cluster = rds_backends[account_id][region_name].create_db_cluster(
            {
                "db_cluster_identifier": identifier,
                "engine": p.get("Engine"),
                "engine_version": p.get("EngineVersion"),
                "master_username": p.get("MasterUsername"),
                "master_user_password": p.get("MasterUserPassword"),
                "database_name": p.get("DatabaseName"),
                "port": int(p.get("Port", 5432)),
                "storage_encrypted": bool(p.get("StorageEncrypted")),
                "kms_key_id": p.get("KmsKeyId"),
                "db_subnet_group_name": p.get("DBSubnetGroupName"),
                "vpc_security_group_ids": p.get("VpcSecurityGroupIds", []),
                "backup_retention_period": int(p.get("BackupRetentionPeriod", 1)),
                "deletion_protection": bool(p.get("DeletionProtection")),
                "enable_cloudwatch_logs_exports": p.get("EnableCloudwatchLogsExports", []),
                "serverless_v2_scaling_configuration": p.get("ServerlessV2ScalingConfiguration"),
                "tags": p.get("Tags", []),
                "manage_master_user_password": _managed(p),
                "master_user_secret_kms_key_id": (p.get("MasterUserSecret") or {}).get("KmsKeyId"),
            }
        )
        return cls(identifier, cluster)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> AuroraCluster:
        """ModifyDBCluster with what an update may change in place (changes that need a
        new cluster are replacements, see fidelity EM102). An update may also turn on
        RDS-managed passwords (ModifyDBCluster ManageMasterUserPassword: RDS sets a new
        password and keeps it in a new secret, encrypted with MasterUserSecret.KmsKeyId)."""
        cluster = self.cluster
        changes: dict[str, Any] = {
            "db_cluster_identifier": self.identifier,
            "deletion_protection": bool(p.get("DeletionProtection")),
            "backup_retention_period": int(p.get("BackupRetentionPeriod", 1)),
            "engine_version": p.get("EngineVersion"),
            "master_user_password": p.get("MasterUserPassword"),
            "port": int(p["Port"]) if "Port" in p else None,
            "vpc_security_group_ids": p.get("VpcSecurityGroupIds"),
            "serverless_v2_scaling_configuration": p.get("ServerlessV2ScalingConfiguration"),
            "enabled_cloudwatch_logs_exports": list(p.get("EnableCloudwatchLogsExports", [])),
        }
        if _managed(p) and not getattr(cluster, "manage_master_user_password", False):
            changes |= {
                "manage_master_user_password": True,
                "master_user_secret_kms_key_id": (p.get("MasterUserSecret") or {}).get("KmsKeyId"),
                "apply_immediately": True,
            }
        rds_backends[account_id][region_name].modify_db_cluster(changes)
        return self

    def delete(self, account_id: str, region_name: str) -> None:
        """Remove the cluster once its instances are gone (moto retries it until then)."""
        backend = rds_backends[account_id][region_name]
        if self.identifier in backend.clusters:
            backend.delete_db_cluster(self.identifier)


def _managed(properties: dict[str, Any]) -> bool:
    value = properties.get("ManageMasterUserPassword", False)
    return value is True or str(value).lower() == "true"


class AuroraInstance(CloudFormationModel, BaseModel):
    """AWS::RDS::DBInstance: instances of a cluster join it in moto's RDS backend (moto's own
    model ignores DBClusterIdentifier); stand-alone instances go to moto's model.
    Defined after moto's model, so moto's type map picks this one."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DBInstanceIdentifier"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBInstance"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return bool(MotoDBInstance.has_cfn_attr(attr))

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        p = cloudformation_json.get("Properties", {})
        if not p.get("DBClusterIdentifier"):
            return MotoDBInstance.create_from_cloudformation_json(
                resource_name, cloudformation_json, account_id, region_name, **kwargs
            )
        return rds_backends[account_id][region_name].create_db_instance(
            {
                # At most 63 characters, as RDS allows and CloudFormation generates them.
                "db_instance_identifier": bounded_name(
                    f"{resource_name}-{uuid.uuid4().hex[:8]}".lower(), 63
                ),
                "db_cluster_identifier": p["DBClusterIdentifier"],
                "engine": p.get("Engine"),
                "db_instance_class": p.get("DBInstanceClass"),
                "publicly_accessible": p.get("PubliclyAccessible"),
                "tags": p.get("Tags", []),
            }
        )
