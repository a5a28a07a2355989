"""The environment's customer-managed KMS key: logs, the alarm topic and the table use it."""

from __future__ import annotations

from awacs.aws import Action, Allow, ArnLike, Condition, PolicyDocument, Principal, Statement
from troposphere import GetAtt, Sub
from troposphere.kms import Alias, Key

from appstack.blueprint.draft import Draft


def build(draft: Draft, purpose: str = "data", alarms: bool = True) -> Key:
    """The key, and its alias `alias/<prefix>-<purpose>`; `alarms`: CloudWatch alarms may
    publish to a topic it encrypts."""
    account_root = Principal("AWS", Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"))
    policy = PolicyDocument(
        Version="2012-10-17",
        Statement=[
            # IAM policies of this account decide who else may use the key.
            Statement(
                Sid="AccountAdministersKey",
                Effect=Allow,
                Principal=account_root,
                Action=[_kms("*")],
                Resource=["*"],
            ),
            Statement(
                Sid="CloudWatchLogsEncryptsThisAccountsLogGroups",
                Effect=Allow,
                Principal=Principal("Service", Sub("logs.${AWS::Region}.amazonaws.com")),
                Action=[
                    _kms("Encrypt*"),
                    _kms("Decrypt*"),
                    _kms("ReEncrypt*"),
                    _kms("GenerateDataKey*"),
                    _kms("Describe*"),
                ],
                Resource=["*"],
                Condition=Condition(
                    ArnLike(
                        "kms:EncryptionContext:aws:logs:arn",
                        Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"),
                    )
                ),
            ),
        ],
    )
    if alarms:
        # Alarms publish to the encrypted topic; CloudWatch needs the key to do so.
        policy.Statement.append(
            Statement(
                Sid="CloudWatchAlarmsPublishToEncryptedTopic",
                Effect=Allow,
                Principal=Principal("Service", "cloudwatch.amazonaws.com"),
                Action=[_kms("Decrypt"), _kms("GenerateDataKey*")],
                Resource=["*"],
            )
        )
    # Retained: snapshots and retained tables stay readable only while their key exists.
    key = draft.stateful(
        Key(
            "EncryptionKey",
            Description=draft.name(purpose),
            EnableKeyRotation=True,
            PendingWindowInDays=30,
            KeyPolicy=policy,
            Tags=draft.tags(purpose),
        )
    )
    draft.add(
        Alias(
            "EncryptionKeyAlias",
            AliasName=Sub(f"alias/{draft.PREFIX}-{purpose}"),
            TargetKeyId=GetAtt(key, "Arn"),
        )
    )
    return key


def _kms(action: str) -> Action:
    return Action("kms", action)
