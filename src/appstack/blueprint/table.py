"""Table: the application's DynamoDB table, on demand, encrypted, recoverable, never lost."""

from __future__ import annotations

from awacs.aws import Action, Allow, Statement
from troposphere import GetAtt, Ref, Sub
from troposphere.dynamodb import (
    AttributeDefinition,
    KeySchema,
    PointInTimeRecoverySpecification,
    SSESpecification,
    Table,
)
from troposphere.kms import Key

from appstack.blueprint.draft import RETAIN, Draft

#: What the application may do with its table, and nothing more (no table management).
DATA_ACTIONS = (
    "BatchGetItem",
    "BatchWriteItem",
    "ConditionCheckItem",
    "DeleteItem",
    "DescribeTable",
    "GetItem",
    "PutItem",
    "Query",
    "Scan",
    "UpdateItem",
)


def build(draft: Draft, key: Key) -> Table:
    app = draft.target.app
    keys = [(app.partition_key, "HASH")] + ([(app.sort_key, "RANGE")] if app.sort_key else [])
    # No TableName: a generated name lets CloudFormation replace the table without a clash,
    # and Retain on delete and on replace means the data outlives any stack change.
    table = draft.stateful(
        Table(
            "Table",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                AttributeDefinition(AttributeName=n, AttributeType="S") for n, _ in keys
            ],
            KeySchema=[KeySchema(AttributeName=n, KeyType=t) for n, t in keys],
            PointInTimeRecoverySpecification=PointInTimeRecoverySpecification(
                PointInTimeRecoveryEnabled=True
            ),
            SSESpecification=SSESpecification(
                SSEEnabled=True, SSEType="KMS", KMSMasterKeyId=GetAtt(key, "Arn")
            ),
            DeletionProtectionEnabled=draft.settings.deletion_protection,
            Tags=draft.tags("table"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )

    draft.needs.environment["TABLE_NAME"] = Ref(table)
    draft.needs.task_statements.append(
        Statement(
            Sid="UseTheApplicationTable",
            Effect=Allow,
            Action=[Action("dynamodb", a) for a in DATA_ACTIONS],
            Resource=[GetAtt(table, "Arn"), Sub("${Table.Arn}/index/*")],
        )
    )
    draft.needs.task_statements.append(
        Statement(
            Sid="UseTheTableKey",
            Effect=Allow,
            Action=[
                Action("kms", a) for a in ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey")
            ],
            Resource=[GetAtt(key, "Arn")],
        )
    )
    draft.output("TableName", Ref(table), "DynamoDB table of the application")
    draft.output("TableArn", GetAtt(table, "Arn"), "ARN of the application's DynamoDB table")
    return table
