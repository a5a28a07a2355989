"""The capability `config`, which is AWS Config: it records the environment's resources and
checks them against managed rules.

AWS allows one configuration recorder (and one delivery channel) per account and Region. The
first environment in an account creates them; environments whose account already records
(`config_recorder_exists: true`) add only their rules, which then must not depend on a
recorder of this stack. The rules chosen are those this stack's capabilities should pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from awacs.aws import (
    Action,
    Allow,
    Condition,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import GetAtt, Ref, Sub
from troposphere.config import (
    ConfigRule,
    ConfigSnapshotDeliveryProperties,
    ConfigurationRecorder,
    DeliveryChannel,
    RecordingGroup,
    RecordingStrategy,
    Source,
)
from troposphere.iam import Policy, Role
from troposphere.kms import Key
from troposphere.s3 import (
    AbortIncompleteMultipartUpload,
    Bucket,
    BucketPolicy,
    LifecycleRule,
    NoncurrentVersionExpiration,
)

from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import kms_encryption, log_bucket
from appstack.data import load

#: The AWS managed policy for a Config role (`service-role/ConfigRole` was replaced by it).
CONFIG_ROLE_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole"
CONFIG_PRINCIPAL = "config.amazonaws.com"
#: The bucket Config delivers configuration history and snapshots to.
BUCKET = "ConfigBucket"
#: Where Config writes in its bucket (Config developer guide, permissions for the S3 bucket).
DELIVERY_PREFIX = "${ConfigBucket.Arn}/AWSLogs/${AWS::AccountId}/Config/*"
#: Parts of an upload Config never finished are removed after a week.
ABORT_UPLOADS_AFTER_DAYS = 7


@dataclass(frozen=True)
class ManagedRule:
    name: str
    identifier: str
    capability: str

    @property
    def logical_id(self) -> str:
        return "ConfigRule" + "".join(part.capitalize() for part in self.name.split("-"))


@cache
def managed_rules() -> tuple[ManagedRule, ...]:
    """Every AWS Config managed rule appstack knows, with the capability it checks."""
    return tuple(ManagedRule(**rule) for rule in load("config_rules")["rules"])


def build(draft: Draft, key: Key) -> list[ConfigRule]:
    depends_on: list[str] = []
    if not draft.settings.config_recorder_exists:
        recorder, channel = record(draft, key)
        # Rules evaluate only what a running recorder records.
        depends_on = [recorder.title, channel.title]

    rules = []
    for rule in managed_rules():
        if not draft.target.has(rule.capability):
            continue
        config_rule = ConfigRule(
            rule.logical_id,
            Description=f"AWS managed rule {rule.identifier}",
            Source=Source(Owner="AWS", SourceIdentifier=rule.identifier),
        )
        if depends_on:
            config_rule.DependsOn = depends_on
        rules.append(draft.add(config_rule))
    return rules


def record(draft: Draft, key: Key) -> tuple[ConfigurationRecorder, DeliveryChannel]:
    """The account's recorder of every supported resource type, and its delivery channel to
    a bucket of its own."""
    bucket, bucket_policy = _bucket(draft, key)
    role = _role(draft, key)
    recorder = draft.add(
        ConfigurationRecorder(
            "ConfigRecorder",
            RoleARN=GetAtt(role, "Arn"),
            RecordingGroup=RecordingGroup(
                AllSupported=True,
                IncludeGlobalResourceTypes=True,
                RecordingStrategy=RecordingStrategy(UseOnly="ALL_SUPPORTED_RESOURCE_TYPES"),
            ),
        )
    )
    channel = draft.add(
        DeliveryChannel(
            "ConfigDeliveryChannel",
            S3BucketName=Ref(bucket),
            S3KmsKeyArn=GetAtt(key, "Arn"),
            ConfigSnapshotDeliveryProperties=ConfigSnapshotDeliveryProperties(
                DeliveryFrequency="TwentyFour_Hours"
            ),
            # A delivery channel needs a recorder, and the bucket must accept Config first.
            DependsOn=[recorder.title, bucket_policy.title],
        )
    )
    return recorder, channel


def _config_service() -> Principal:
    return Principal("Service", CONFIG_PRINCIPAL)


def _same_account() -> Condition:
    """Config acting for this account only (the confused-deputy guard)."""
    return Condition(StringEquals("AWS:SourceAccount", Ref("AWS::AccountId")))


def _bucket(draft: Draft, key: Key) -> tuple[Bucket, BucketPolicy]:
    history = draft.settings.config_history
    # Configuration history is audit evidence: it outlives the stack, for as long as the
    # config says (`config_history`); a versioned bucket would otherwise keep every delivery
    # and every overwritten version forever.
    return log_bucket(
        draft,
        BUCKET,
        encryption=kms_encryption(key, bucket_key=True),
        expiry=LifecycleRule(
            Id="expire-config-history",
            Status="Enabled",
            ExpirationInDays=history.keep_days,
            NoncurrentVersionExpiration=NoncurrentVersionExpiration(
                NoncurrentDays=history.noncurrent_version_days
            ),
            AbortIncompleteMultipartUpload=AbortIncompleteMultipartUpload(
                DaysAfterInitiation=ABORT_UPLOADS_AFTER_DAYS
            ),
        ),
        tag="config",
        writers=[
            Statement(
                Sid="AWSConfigBucketPermissionsCheck",
                Effect=Allow,
                Principal=_config_service(),
                Action=[Action("s3", "GetBucketAcl")],
                Resource=[GetAtt(BUCKET, "Arn")],
                Condition=_same_account(),
            ),
            Statement(
                Sid="AWSConfigBucketExistenceCheck",
                Effect=Allow,
                Principal=_config_service(),
                Action=[Action("s3", "ListBucket")],
                Resource=[GetAtt(BUCKET, "Arn")],
                Condition=_same_account(),
            ),
            Statement(
                Sid="AWSConfigBucketDelivery",
                Effect=Allow,
                Principal=_config_service(),
                Action=[Action("s3", "PutObject")],
                Resource=[Sub(DELIVERY_PREFIX)],
                Condition=Condition(
                    StringEquals(
                        {
                            "s3:x-amz-acl": "bucket-owner-full-control",
                            "AWS:SourceAccount": Ref("AWS::AccountId"),
                        }
                    )
                ),
            ),
        ],
        logged_as="config",
    )


def _role(draft: Draft, key: Key) -> Role:
    """The role Config assumes to read resource configurations and deliver to the bucket."""
    return draft.add(
        Role(
            "ConfigRole",
            AssumeRolePolicyDocument=PolicyDocument(
                Version="2012-10-17",
                Statement=[
                    Statement(
                        Effect=Allow,
                        Principal=_config_service(),
                        Action=[Action("sts", "AssumeRole")],
                        Condition=_same_account(),
                    )
                ],
            ),
            ManagedPolicyArns=[Sub(CONFIG_ROLE_POLICY)],
            Policies=[
                Policy(
                    PolicyName="deliver-to-config-bucket",
                    PolicyDocument=PolicyDocument(
                        Version="2012-10-17",
                        Statement=[
                            Statement(
                                Effect=Allow,
                                Action=[Action("s3", "PutObject")],
                                Resource=[Sub(DELIVERY_PREFIX)],
                                Condition=Condition(
                                    StringEquals("s3:x-amz-acl", "bucket-owner-full-control")
                                ),
                            ),
                            Statement(
                                Effect=Allow,
                                Action=[Action("s3", "GetBucketAcl")],
                                Resource=[GetAtt(BUCKET, "Arn")],
                            ),
                            Statement(
                                Effect=Allow,
                                Action=[Action("kms", "Decrypt"), Action("kms", "GenerateDataKey")],
                                Resource=[GetAtt(key, "Arn")],
                            ),
                        ],
                    ),
                )
            ],
            Tags=draft.tags("config"),
        )
    )
