"""AWS Config: the account's recorder (in the account baseline), and the managed rules an
environment's resources should pass (the capability `config`).

AWS allows one configuration recorder (and one delivery channel) per account and Region
(https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html), so the
recorder, its channel, bucket and role live in the account baseline (`record`, called by
`blueprint.baseline`). An environment adds only its rules, scoped to its own resources: the
resources of its stack, which CloudFormation tags `aws:cloudformation:stack-name`
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html;
a rule's Scope takes one tag key and value:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-config-configrule-scope.html).
Without a scope each rule would evaluate every resource of the account, once per environment.
Rules about the account itself (is a trail on?) are the baseline's (capability `baseline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

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
    Scope,
    Source,
)
from troposphere.iam import Policy, Role
from troposphere.kms import Key
from troposphere.s3 import (
    AbortIncompleteMultipartUpload,
    Bucket,
    BucketPolicy,
)

from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import expiring, kms_encryption, log_bucket
from appstack.config import ConfigHistorySettings
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
#: The tag CloudFormation puts on every resource of a stack that takes tags.
STACK_TAG = "aws:cloudformation:stack-name"
#: The rules of the account, not of an environment: the baseline's.
ACCOUNT = "baseline"


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


def build(draft: Draft) -> list[ConfigRule]:
    """The environment's rules: those its capabilities should pass, each evaluating only the
    resources of this stack. They evaluate what the baseline's recorder records."""
    return [
        _managed(draft, rule, Scope=Scope(TagKey=STACK_TAG, TagValue=Ref("AWS::StackName")))
        for rule in managed_rules()
        if draft.target.has(rule.capability)
    ]


def account_rules(draft: Draft, after: list[str]) -> list[ConfigRule]:
    """The rules about the account itself (the baseline's), once the recorder records
    (`after`: the recorder and its channel)."""
    return [
        _managed(draft, rule, DependsOn=after)
        for rule in managed_rules()
        if rule.capability == ACCOUNT
    ]


def _managed(draft: Draft, rule: ManagedRule, **more: Any) -> ConfigRule:
    """The Config rule that runs AWS managed rule `rule` (`more`: its scope, or what it
    waits for)."""
    return draft.add(
        ConfigRule(
            rule.logical_id,
            Description=f"AWS managed rule {rule.identifier}",
            Source=Source(Owner="AWS", SourceIdentifier=rule.identifier),
            **more,
        )
    )


def record(
    draft: Draft, key: Key, history: ConfigHistorySettings
) -> tuple[ConfigurationRecorder, DeliveryChannel]:
    """The account's recorder of every supported resource type, and its delivery channel to
    a bucket of its own."""
    bucket, bucket_policy = _bucket(draft, key, history)
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


def _bucket(draft: Draft, key: Key, history: ConfigHistorySettings) -> tuple[Bucket, BucketPolicy]:
    # Configuration history is audit evidence: it outlives the stack, for as long as the
    # config says (`config_history`); a versioned bucket would otherwise keep every delivery
    # and every overwritten version forever.
    return log_bucket(
        draft,
        BUCKET,
        encryption=kms_encryption(key, bucket_key=True),
        expiry=expiring(
            "expire-config-history",
            history.keep_days,
            noncurrent_days=history.noncurrent_version_days,
            AbortIncompleteMultipartUpload=AbortIncompleteMultipartUpload(
                DaysAfterInitiation=ABORT_UPLOADS_AFTER_DAYS
            ),
        ),
        tag="config",
        writers=[
            # Before it delivers, Config reads the bucket's ACL and checks that it exists.
            *(
                Statement(
                    Sid=sid,
                    Effect=Allow,
                    Principal=_config_service(),
                    Action=[Action("s3", action)],
                    Resource=[GetAtt(BUCKET, "Arn")],
                    Condition=_same_account(),
                )
                for sid, action in (
                    ("AWSConfigBucketPermissionsCheck", "GetBucketAcl"),
                    ("AWSConfigBucketExistenceCheck", "ListBucket"),
                )
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
