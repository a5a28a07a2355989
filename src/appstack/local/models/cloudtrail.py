"""AWS::CloudTrail::Trail on moto's CloudTrail backend (DescribeTrails sees it)."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, bounded_name, properties, tag_list


class Trail(BackendModel, CloudFormationModel, BaseModel):
    """A trail; Ref is its name. IsLogging starts it, as CloudFormation does."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn", "SnsTopicArn": "topic_arn"}

    def __init__(self, trail: Any) -> None:
        self.physical_id = str(trail.trail_name)
        self.arn = str(trail.arn)
        self.topic_arn = trail.topic_arn or ""

    @staticmethod
    def cloudformation_name_type() -> str:
        return "TrailName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudTrail::Trail"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Trail:
        p = properties(cloudformation_json)
        backend: Any = cloudtrail_backends[account_id][region_name]
        trail = backend.create_trail(
            name=bounded_name(resource_name, 128, r"[^a-zA-Z0-9._-]"),
            bucket_name=p["S3BucketName"],
            s3_key_prefix=p.get("S3KeyPrefix"),
            sns_topic_name=p.get("SnsTopicName"),
            is_global=bool(p.get("IncludeGlobalServiceEvents", True)),
            is_multi_region=bool(p.get("IsMultiRegionTrail", False)),
            log_validation=bool(p.get("EnableLogFileValidation", False)),
            is_org_trail=bool(p.get("IsOrganizationTrail", False)),
            cw_log_group_arn=p.get("CloudWatchLogsLogGroupArn"),
            cw_role_arn=p.get("CloudWatchLogsRoleArn"),
            kms_key_id=p.get("KMSKeyId"),
            tags_list=tag_list(p),
        )
        if p.get("IsLogging"):
            trail.start_logging()
        return cls(trail)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Trail,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Trail:
        """UpdateTrail, and StartLogging / StopLogging as IsLogging says."""
        p = properties(cloudformation_json)
        backend: Any = cloudtrail_backends[account_id][region_name]
        trail = backend.update_trail(
            name=original_resource.physical_id,
            s3_bucket_name=p["S3BucketName"],
            s3_key_prefix=p.get("S3KeyPrefix"),
            sns_topic_name=p.get("SnsTopicName"),
            include_global_service_events=bool(p.get("IncludeGlobalServiceEvents", True)),
            is_multi_region_trail=bool(p.get("IsMultiRegionTrail", False)),
            enable_log_file_validation=bool(p.get("EnableLogFileValidation", False)),
            is_organization_trail=bool(p.get("IsOrganizationTrail", False)),
            cw_log_group_arn=p.get("CloudWatchLogsLogGroupArn"),
            cw_role_arn=p.get("CloudWatchLogsRoleArn"),
            kms_key_id=p.get("KMSKeyId"),
        )
        if p.get("IsLogging"):
            trail.start_logging()
        else:
            trail.stop_logging()
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        cloudtrail_backends[account_id][region_name].delete_trail(self.physical_id)
