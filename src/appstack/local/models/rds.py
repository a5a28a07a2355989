"""Aurora on moto's RDS backend: AWS::RDS::DBCluster, and DBInstance joined to a cluster."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.rds.models import DBInstance as MotoDBInstance
from moto.rds.models import rds_backends

from appstack.local.models._base import BackendModel, Place, Props, _Declared, bounded_name, model


@model("AWS::RDS::DBCluster")
class AuroraCluster(BackendModel, CloudFormationModel, BaseModel):
    """AWS::RDS::DBCluster in moto's RDS backend (DescribeDBClusters sees it, and moto's own
    AWS::RDS::DBInstance model joins its instances to it). Its master password arrives
    resolved from a secret (see `fixes.resolve_secret_references`), or RDS manages it
    (`ManageMasterUserPassword`, its secret in `MasterUserSecret.SecretArn`)."""

    attributes: ClassVar[dict[str, str]] = {
        "Endpoint.Address": "cluster.endpoint",
        "Endpoint.Port": "port",
        "ReadEndpoint.Address": "cluster.reader_endpoint",
        "DBClusterArn": "cluster.db_cluster_arn",
        "DBClusterResourceId": "cluster.resource_id",
        "MasterUserSecret.SecretArn": "cluster.master_user_secret.secret_arn",
    }

    def __init__(self, identifier: str, cluster: Any) -> None:
        super().__init__(identifier)
        self.cluster = cluster

    @property
    def port(self) -> str:
        """The cluster's port, as text (as Fn::GetAtt answers Endpoint.Port)."""
        return str(self.cluster.port)

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> AuroraCluster:
        identifier = (p.get("DBClusterIdentifier") or f"{name}-{uuid.uuid4().hex[:8]}").lower()
        cluster = at.backend(rds_backends).create_db_cluster(
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

    def update(self, p: Props, at: Place) -> AuroraCluster:
        """ModifyDBCluster with what an update may change in place (changes that need a
        new cluster are replacements, see fidelity EM102). An update may also turn on
        RDS-managed passwords (ModifyDBCluster ManageMasterUserPassword: RDS sets a new
        password and keeps it in a new secret, encrypted with MasterUserSecret.KmsKeyId)."""
        cluster = self.cluster
        changes: dict[str, Any] = {
            "db_cluster_identifier": self.physical_id,
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
        at.backend(rds_backends).modify_db_cluster(changes)
        return self

    def remove(self, at: Place) -> None:
        """Remove the cluster once its instances are gone (moto retries it until then)."""
        backend = at.backend(rds_backends)
        if self.physical_id in backend.clusters:
            backend.delete_db_cluster(self.physical_id)


def _managed(properties: Props) -> bool:
    value = properties.get("ManageMasterUserPassword", False)
    return value is True or str(value).lower() == "true"


@model("AWS::RDS::DBInstance")
class AuroraInstance(_Declared, CloudFormationModel, BaseModel):
    """AWS::RDS::DBInstance: instances of a cluster join it in moto's RDS backend (moto's own
    model ignores DBClusterIdentifier); stand-alone instances go to moto's model, which
    updates and deletes both. Defined after moto's model, so moto's type map picks this one."""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return bool(MotoDBInstance.has_cfn_attr(attr))

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> Any:
        if not p.get("DBClusterIdentifier"):
            return MotoDBInstance.create_from_cloudformation_json(
                name, {"Properties": p}, at.account_id, at.region_name
            )
        return at.backend(rds_backends).create_db_instance(
            {
                # At most 63 characters, as RDS allows and CloudFormation generates them.
                "db_instance_identifier": bounded_name(
                    f"{name}-{uuid.uuid4().hex[:8]}".lower(), 63
                ),
                "db_cluster_identifier": p["DBClusterIdentifier"],
                "engine": p.get("Engine"),
                "db_instance_class": p.get("DBInstanceClass"),
                "publicly_accessible": p.get("PubliclyAccessible"),
                "tags": p.get("Tags", []),
            }
        )
