"""Updating a bucket whose name CloudFormation generated.

moto's AWS::S3::Bucket update tags the bucket by `Properties.BucketName`, which a bucket
without a fixed name does not have: every update of such a bucket (a new lifecycle rule, a
tag) fails with KeyError 'BucketName' and rolls the stack back. CloudFormation updates it in
place: only a changed BucketName replaces a bucket.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


@rule(
    "EM403",
    "A bucket without BucketName is updated in place, under its generated name",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html",
)
def unnamed_bucket_updates_in_place() -> None:
    """AWS::S3::Bucket: BucketName "Update requires: Replacement"; LifecycleConfiguration and
    Tags "Update requires: No interruption"."""
    from moto.s3.models import FakeBucket

    original = FakeBucket.__dict__["update_from_cloudformation_json"].__func__

    def update(
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        if "BucketName" not in properties:
            # Its generated name stands: the same bucket, updated in place.
            properties = {**properties, "BucketName": original_resource.name}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original(
            cls, original_resource, new_resource_name, cloudformation_json, *args, **kwargs
        )

    setattr(FakeBucket, "update_from_cloudformation_json", classmethod(update))  # noqa: B010
