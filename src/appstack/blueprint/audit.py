"""Audit: a CloudTrail trail over every Region, its files signed, encrypted and kept.

The trail writes to a private, versioned bucket that only TLS requests reach, encrypted with
the environment's key (whose policy lets CloudTrail encrypt for this trail only), and to a
CloudWatch Logs group for searching and alarms. The bucket policy and the key policy name
the trail by its ARN (`aws:SourceArn`, AWS's guard against a confused deputy), which is
known before the trail exists because the trail's name is fixed.
"""

from __future__ import annotations

from awacs.aws import (
    Action,
    Allow,
    Condition,
    Principal,
    Statement,
    StringEquals,
    StringLike,
)
from troposphere import GetAtt, Ref, Sub
from troposphere.cloudtrail import Trail
from troposphere.iam import Role
from troposphere.kms import Key
from troposphere.logs import LogGroup
from troposphere.s3 import (
    BucketPolicy,
)

from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import (
    expiring,
    kms_encryption,
    log_bucket,
    log_delivery_role,
    service_role_trust,
)

CLOUDTRAIL = "cloudtrail.amazonaws.com"
TRAIL_PURPOSE = "trail"
#: How long the trail's files stay in the bucket: a year of history, the common audit baseline.
AUDIT_LOG_DAYS = 365
#: Superseded object versions (the bucket is versioned) go after this many days.
NONCURRENT_DAYS = 30
BUCKET = "AuditLogBucket"


def trail_arn(draft: Draft) -> Sub:
    """The trail's ARN, built from its fixed name so policies can name it before it exists."""
    return Sub(
        "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/"
        f"{draft.PREFIX}-{TRAIL_PURPOSE}"
    )


def build(draft: Draft, key: Key) -> Trail:
    _let_cloudtrail_use_the_key(draft, key)
    policy = _bucket(draft, key)
    group, role = _log_delivery(draft, key)
    return draft.add(
        Trail(
            "AuditTrail",
            TrailName=draft.name(TRAIL_PURPOSE),
            IsLogging=True,
            IsMultiRegionTrail=True,
            IncludeGlobalServiceEvents=True,
            EnableLogFileValidation=True,
            S3BucketName=Ref(BUCKET),
            KMSKeyId=GetAtt(key, "Arn"),
            CloudWatchLogsLogGroupArn=GetAtt(group, "Arn"),
            CloudWatchLogsRoleArn=GetAtt(role, "Arn"),
            # CloudTrail checks that it may write to the bucket when the trail is created.
            DependsOn=[policy.title],
            Tags=draft.tags(TRAIL_PURPOSE),
        )
    )


def _let_cloudtrail_use_the_key(draft: Draft, key: Key) -> None:
    """Append CloudTrail's statements to the environment key's policy (CloudTrail guide)."""
    key.KeyPolicy.Statement.extend(
        [
            Statement(
                Sid="CloudTrailEncryptsThisTrailsLogs",
                Effect=Allow,
                Principal=Principal("Service", CLOUDTRAIL),
                Action=[Action("kms", "GenerateDataKey*")],
                Resource=["*"],
                Condition=Condition(
                    [
                        StringEquals("aws:SourceArn", trail_arn(draft)),
                        StringLike(
                            "kms:EncryptionContext:aws:cloudtrail:arn",
                            Sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"),
                        ),
                    ]
                ),
            ),
            Statement(
                Sid="CloudTrailDescribesTheKey",
                Effect=Allow,
                Principal=Principal("Service", CLOUDTRAIL),
                Action=[Action("kms", "DescribeKey")],
                Resource=["*"],
                Condition=Condition(StringEquals("aws:SourceArn", trail_arn(draft))),
            ),
        ]
    )
    # Reading the logs needs kms:Decrypt, which this account's IAM policies grant (the key
    # policy delegates to the account), not a statement for everyone.


def _bucket(draft: Draft, key: Key) -> BucketPolicy:
    # Retained: the audit history outlives the stack.
    from_this_trail = StringEquals("aws:SourceArn", trail_arn(draft))
    _, policy = log_bucket(
        draft,
        BUCKET,
        # No S3 Bucket Key: with one, creating a trail that encrypts with SSE-KMS needs
        # kms:Decrypt as well (CloudTrail guide, "Required KMS key policy elements for
        # trails"). A trail writes a few objects an hour, so the KMS calls a Bucket Key
        # would save cost cents a month.
        encryption=kms_encryption(key, bucket_key=False),
        expiry=expiring("expire-audit-logs", AUDIT_LOG_DAYS, noncurrent_days=NONCURRENT_DAYS),
        tag="audit-logs",
        writers=[
            Statement(
                Sid="CloudTrailChecksTheBucketAcl",
                Effect=Allow,
                Principal=Principal("Service", CLOUDTRAIL),
                Action=[Action("s3", "GetBucketAcl")],
                Resource=[GetAtt(BUCKET, "Arn")],
                Condition=Condition(from_this_trail),
            ),
            Statement(
                Sid="CloudTrailWritesThisAccountsLogs",
                Effect=Allow,
                Principal=Principal("Service", CLOUDTRAIL),
                Action=[Action("s3", "PutObject")],
                Resource=[Sub(f"${{{BUCKET}.Arn}}/AWSLogs/${{AWS::AccountId}}/*")],
                # One StringEquals: a second one would replace the first.
                Condition=Condition(
                    StringEquals(
                        {
                            "aws:SourceArn": trail_arn(draft),
                            "s3:x-amz-acl": "bucket-owner-full-control",
                        }
                    )
                ),
            ),
        ],
        # Who read or deleted the audit trail is itself audit evidence.
        logged_as="audit",
    )
    return policy


def _log_delivery(draft: Draft, key: Key) -> tuple[LogGroup, Role]:
    group = draft.log_group("AuditLogGroup", key, "audit")
    role = log_delivery_role(
        draft,
        "AuditLogDeliveryRole",
        service_role_trust(CLOUDTRAIL),
        group,
        policy="deliver-audit-events",
        actions=("CreateLogStream", "PutLogEvents"),
        tag="audit",
    )
    return group, role
