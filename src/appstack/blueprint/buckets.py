"""What every bucket appstack creates shares."""

from __future__ import annotations

from typing import Any

from awacs.aws import Action, Allow, Condition, Principal, Statement, StringEquals
from troposphere import Ref, Sub
from troposphere.s3 import (
    LoggingConfiguration,
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


#: The bucket that receives the load balancer's access logs and the other buckets' server
#: access logs (S3 writes those only to SSE-S3 buckets, like the load balancer).
ACCESS_LOG_BUCKET = "AccessLogBucket"
#: Its policy: a bucket that logs there is created after it, so S3 may already write.
ACCESS_LOG_POLICY = "AccessLogBucketPolicy"
#: Where S3 server access logs go in that bucket, one folder per logged bucket.
SERVER_ACCESS_LOG_PREFIX = "s3"


def server_access_logging(name: str) -> LoggingConfiguration:
    """Bucket property: S3 logs every request to the bucket into the access log bucket."""
    return LoggingConfiguration(
        DestinationBucketName=Ref(ACCESS_LOG_BUCKET),
        LogFilePrefix=f"{SERVER_ACCESS_LOG_PREFIX}/{name}/",
    )


def server_access_log_statement() -> Statement:
    """Access log bucket policy: S3's logging service may write server access logs of this
    account's buckets (with ACLs disabled, a bucket policy is the only way to allow it)."""
    return Statement(
        Sid="S3WritesServerAccessLogs",
        Effect=Allow,
        Principal=Principal("Service", "logging.s3.amazonaws.com"),
        Action=[Action("s3", "PutObject")],
        Resource=[Sub(f"${{{ACCESS_LOG_BUCKET}.Arn}}/{SERVER_ACCESS_LOG_PREFIX}/*")],
        Condition=Condition(StringEquals("aws:SourceAccount", Ref("AWS::AccountId"))),
    )
