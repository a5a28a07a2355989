"""AWS::CloudTrail::Trail on moto's CloudTrail backend (DescribeTrails sees it)."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudtrail.models import cloudtrail_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, Place, Props, bounded_name, model, tag_list

_CREATE, _UPDATE = 0, 1

#: Each optional property of a trail: its name in CreateTrail and in UpdateTrail, and its
#: default when the template leaves it out (None: none, passed as is).
_SETTINGS: tuple[tuple[str, tuple[str, str], bool | None], ...] = (
    ("S3KeyPrefix", ("s3_key_prefix", "s3_key_prefix"), None),
    ("SnsTopicName", ("sns_topic_name", "sns_topic_name"), None),
    ("IncludeGlobalServiceEvents", ("is_global", "include_global_service_events"), True),
    ("IsMultiRegionTrail", ("is_multi_region", "is_multi_region_trail"), False),
    ("EnableLogFileValidation", ("log_validation", "enable_log_file_validation"), False),
    ("IsOrganizationTrail", ("is_org_trail", "is_organization_trail"), False),
    ("CloudWatchLogsLogGroupArn", ("cw_log_group_arn", "cw_log_group_arn"), None),
    ("CloudWatchLogsRoleArn", ("cw_role_arn", "cw_role_arn"), None),
    ("KMSKeyId", ("kms_key_id", "kms_key_id"), None),
)


def _settings(p: Props, call: int) -> dict[str, Any]:
    """The trail's optional settings from its properties, named as the call `call` names
    them (_CREATE: CreateTrail, _UPDATE: UpdateTrail)."""
    return {
        names[call]: p.get(name) if default is None else bool(p.get(name, default))
        for name, names, default in _SETTINGS
    }


@model("AWS::CloudTrail::Trail")
class Trail(BackendModel, CloudFormationModel, BaseModel):
    """A trail; Ref is its name. IsLogging starts it, as CloudFormation does."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn", "SnsTopicArn": "topic_arn"}

    def __init__(self, trail: Any) -> None:
        super().__init__(str(trail.trail_name), str(trail.arn))
        self.topic_arn = trail.topic_arn or ""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> Trail:
        trail = at.backend(cloudtrail_backends).create_trail(
            name=bounded_name(name, 128, r"[^a-zA-Z0-9._-]"),
            bucket_name=p["S3BucketName"],
            tags_list=tag_list(p),
            **_settings(p, _CREATE),
        )
        if p.get("IsLogging"):
            trail.start_logging()
        return cls(trail)

    def update(self, p: Props, at: Place) -> Trail:
        """UpdateTrail, and StartLogging / StopLogging as IsLogging says."""
        trail = at.backend(cloudtrail_backends).update_trail(
            name=self.physical_id, s3_bucket_name=p["S3BucketName"], **_settings(p, _UPDATE)
        )
        if p.get("IsLogging"):
            trail.start_logging()
        else:
            trail.stop_logging()
        return self

    def remove(self, at: Place) -> None:
        at.backend(cloudtrail_backends).delete_trail(self.physical_id)
