"""CloudFormation models moto lacks, registered in moto's CloudFormation parser.

moto reads `CloudFormationModel.__subclasses__()` once, when it parses the first stack:
this module must be imported before that (the launcher in `server.py` does it).
Types with a moto service backend create the resource there, so the deployed stack can
be inspected through the normal AWS APIs; the others are recorded as placeholders with
a physical ID and listed by `appstack local status`.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import BaseModel, CloudFormationModel
from moto.rds.models import DBInstance as MotoDBInstance
from moto.rds.models import rds_backends

#: Types recorded without a backend: they get a physical ID and nothing else.
PLACEHOLDER_TYPES: tuple[str, ...] = (
    "AWS::S3::BucketPolicy",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::Config::ConfigRule",
    "AWS::CloudTrail::Trail",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::Backup::BackupVault",
    "AWS::Backup::BackupPlan",
    "AWS::Backup::BackupSelection",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::VPNConnection",
    "AWS::EC2::VPNConnectionRoute",
    "AWS::EC2::VPNGatewayRoutePropagation",
    "AWS::XRay::SamplingRule",
    "AWS::ApplicationInsights::Application",
    "AWS::ResourceGroups::Group",
)

#: Every placeholder created, as (type, logical id, physical id): what the emulator skipped.
RECORDED: list[tuple[str, str, str]] = []


class _KeptAsCreated:
    """Updates keep the resource as it is and deletes leave the backend untouched: what
    appstack needs of a model on the emulator (data is what tests look at, not drift)."""

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> None:
        return None

    def is_created(self) -> bool:
        return True


class _Placeholder(_KeptAsCreated):
    """Behaviour of a placeholder; each type is a direct subclass of CloudFormationModel,
    because moto only looks at its direct subclasses."""

    type_name = ""

    def __init__(self, logical_id: str, region: str) -> None:
        self.logical_id = logical_id
        short = self.type_name.split("::")[-1].lower()
        self.physical_resource_id = f"{short}-{uuid.uuid4().hex[:12]}"
        self.arn = f"arn:aws:placeholder:{region}:123456789012:{short}/{self.physical_resource_id}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.arn if attribute_name.endswith("Arn") else self.physical_resource_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> _Placeholder:
        model = cls(resource_name, region_name)
        RECORDED.append((cls.type_name, resource_name, model.physical_resource_id))
        return model


def _placeholder(type_name: str) -> type[_Placeholder]:
    name = "Placeholder" + type_name.replace("AWS::", "").replace("::", "")
    return type(
        name,
        (_Placeholder, CloudFormationModel, BaseModel),
        {"type_name": type_name, "cloudformation_type": staticmethod(lambda: type_name)},
    )


PLACEHOLDERS: dict[str, type[_Placeholder]] = {t: _placeholder(t) for t in PLACEHOLDER_TYPES}


class MetricAlarm(CloudFormationModel, BaseModel):
    """AWS::CloudWatch::Alarm in moto's CloudWatch backend (DescribeAlarms sees it)."""

    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MetricAlarm:
        p = cloudformation_json.get("Properties", {})
        name = p.get("AlarmName") or resource_name
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name,
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p.get("Period", 60)),
            threshold=float(p.get("Threshold", 0)),
            statistic=p.get("Statistic"),
            description=p.get("AlarmDescription", ""),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in p.get("Dimensions", [])],
            alarm_actions=list(p.get("AlarmActions", [])),
            ok_actions=list(p.get("OKActions", [])),
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            treat_missing_data=p.get("TreatMissingData"),
        )
        return cls(name, alarm.alarm_arn)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        return cls.create_from_cloudformation_json(
            original_resource.name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])

    def is_created(self) -> bool:
        return True


def _kms_tags_as_kms_api() -> None:
    """moto's AWS::KMS::Key passes CloudFormation tags (Key/Value) to a tagger that expects
    the KMS API's TagKey/TagValue, and fails with a 500; translate them first."""
    from moto.kms.models import Key

    original = Key.__dict__["create_from_cloudformation_json"].__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *a: Any, **kw: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        properties["Tags"] = [
            {"TagKey": t["Key"], "TagValue": t["Value"]} if "Key" in t else t
            for t in properties.get("Tags", [])
        ]
        return original(cls, resource_name, cloudformation_json, *a, **kw)

    setattr(Key, "create_from_cloudformation_json", classmethod(create))  # noqa: B010


_kms_tags_as_kms_api()


def _target_group_attributes() -> None:
    """moto's target group answers no Fn::GetAtt and its load balancer not LoadBalancerFullName;
    the alarms' dimensions need both."""
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "TargetGroupFullName":
            return "targetgroup/" + self.arn.split(":targetgroup/")[-1]
        if attribute_name == "TargetGroupName":
            return self.name
        if attribute_name == "TargetGroupArn":
            return self.arn
        if attribute_name == "LoadBalancerArns":
            return list(self.load_balancer_arns)
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    setattr(FakeTargetGroup, "get_cfn_attribute", get_cfn_attribute)  # noqa: B010

    original = FakeLoadBalancer.get_cfn_attribute

    def load_balancer_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "LoadBalancerFullName":
            return "app/" + self.arn.split(":loadbalancer/app/")[-1]
        return original(self, attribute_name)

    setattr(FakeLoadBalancer, "get_cfn_attribute", load_balancer_attribute)  # noqa: B010


_target_group_attributes()


def _updates_keep_resources_without_an_update() -> None:
    """moto's update of a type whose model has no update (AWS::KMS::Key, for one) replaces
    the resource with None, and every later Fn::GetAtt on it fails with "references undefined
    resource". Keep the resource as it was instead: its properties are not changed."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_update_resource

    def parse_and_update_resource(
        logical_id: str, resource_json: Any, resources_map: Any, *a: Any, **kw: Any
    ) -> Any:
        updated = original(logical_id, resource_json, resources_map, *a, **kw)
        if updated is None:
            return resources_map._parsed_resources.get(logical_id)
        return updated

    setattr(parsing, "parse_and_update_resource", parse_and_update_resource)  # noqa: B010


_updates_keep_resources_without_an_update()


def _change_sets_finish_like_cloudformation() -> None:
    """moto's ExecuteChangeSet neither computes the stack's outputs nor survives a failing
    resource (a 500 that leaves the stack *_IN_PROGRESS). Compute the outputs, and turn a
    failure into a FAILED event and a rolled-back status, as CloudFormation reports them."""
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.change_sets.get(change_set_name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None
        )
        if change_set is None:
            original(self, change_set_name, stack_name)
            return
        stack = self.stacks[change_set.stack_id]
        kind = change_set.change_set_type
        try:
            original(self, change_set_name, stack_name)
        except Exception as exc:
            stack._add_stack_event(f"{kind}_FAILED", resource_status_reason=str(exc))
            stack.status = "ROLLBACK_COMPLETE" if kind == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            stack._add_stack_event(stack.status)
            change_set.execution_status = "EXECUTE_FAILED"
            return
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    setattr(CloudFormationBackend, "execute_change_set", execute_change_set)  # noqa: B010


_change_sets_finish_like_cloudformation()


class AuroraCluster(_KeptAsCreated, CloudFormationModel, BaseModel):
    """AWS::RDS::DBCluster in moto's RDS backend (DescribeDBClusters sees it, and moto's own
    AWS::RDS::DBInstance model joins its instances to it)."""

    def __init__(self, identifier: str, cluster: Any) -> None:
        self.identifier = identifier
        self.cluster = cluster

    @property
    def physical_resource_id(self) -> str:
        return self.identifier

    @staticmethod
    def cloudformation_name_type() -> str:
        return "DBClusterIdentifier"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RDS::DBCluster"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in (
            "Endpoint.Address",
            "Endpoint.Port",
            "ReadEndpoint.Address",
            "DBClusterArn",
            "DBClusterResourceId",
        )

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return {
            "Endpoint.Address": self.cluster.endpoint,
            "Endpoint.Port": str(self.cluster.port),
            "ReadEndpoint.Address": self.cluster.reader_endpoint,
            "DBClusterArn": self.cluster.db_cluster_arn,
            "DBClusterResourceId": self.cluster.resource_id,
        }[attribute_name]

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> AuroraCluster:
        p = cloudformation_json.get("Properties", {})
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
            }
        )
        return cls(identifier, cluster)


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
                "db_instance_identifier": f"{resource_name}-{uuid.uuid4().hex[:8]}".lower(),
                "db_cluster_identifier": p["DBClusterIdentifier"],
                "engine": p.get("Engine"),
                "db_instance_class": p.get("DBInstanceClass"),
                "publicly_accessible": p.get("PubliclyAccessible"),
                "tags": p.get("Tags", []),
            }
        )
