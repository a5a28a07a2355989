"""EM105: an update of a DynamoDB table changes the table in place.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
(DeletionProtectionEnabled, BillingMode, PointInTimeRecoverySpecification: Update requires
No interruption) and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, table, unique

REGION = "eu-west-3"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def dynamodb(emulator_endpoint: str) -> Any:
    return client("dynamodb", emulator_endpoint, REGION)


def test_turning_deletion_protection_on_protects_the_existing_table(
    cfn: Any, dynamodb: Any
) -> None:
    stack = unique("protect")
    deploy(cfn, stack, {"Resources": {"Table": table()}})
    name = physical_id(cfn, stack, "Table")
    dynamodb.put_item(TableName=name, Item={"pk": {"S": "kept"}})
    assert deploy(cfn, stack, {"Resources": {"Table": table(DeletionProtectionEnabled=True)}}) == (
        "UPDATE_COMPLETE"
    )
    assert physical_id(cfn, stack, "Table") == name
    assert dynamodb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    with pytest.raises(dynamodb.exceptions.ClientError):
        dynamodb.delete_table(TableName=name)
    assert dynamodb.scan(TableName=name)["Count"] == 1


def test_point_in_time_recovery_is_turned_on_by_an_update(cfn: Any, dynamodb: Any) -> None:
    stack = unique("pitr")
    deploy(cfn, stack, {"Resources": {"Table": table()}})
    name = physical_id(cfn, stack, "Table")
    recovery = {"PointInTimeRecoveryEnabled": True}
    deploy(cfn, stack, {"Resources": {"Table": table(PointInTimeRecoverySpecification=recovery)}})
    described = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
