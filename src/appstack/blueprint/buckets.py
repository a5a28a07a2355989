"""What every bucket appstack creates shares."""

from __future__ import annotations

from typing import Any

from troposphere.s3 import (
    OwnershipControls,
    OwnershipControlsRule,
    PublicAccessBlockConfiguration,
    VersioningConfiguration,
)


def private_bucket() -> dict[str, Any]:
    """Bucket properties: public access blocked, ACLs disabled (the bucket owner owns every
    object), versioning on so an overwrite or delete can be undone."""
    return {
        "PublicAccessBlockConfiguration": PublicAccessBlockConfiguration(
            BlockPublicAcls=True,
            BlockPublicPolicy=True,
            IgnorePublicAcls=True,
            RestrictPublicBuckets=True,
        ),
        "OwnershipControls": OwnershipControls(
            Rules=[OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        "VersioningConfiguration": VersioningConfiguration(Status="Enabled"),
    }
