"""Table: DynamoDB on demand, encrypted, recoverable, and kept whatever the stack does."""

from __future__ import annotations

from conftest import Template, of_type, props, refs, synth


def test_the_table_is_on_demand_with_point_in_time_recovery(dev: Template) -> None:
    table = props(dev, "Table")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_table_is_encrypted_with_the_environments_own_key(dev: Template) -> None:
    sse = props(dev, "Table")["SSESpecification"]
    assert sse["SSEEnabled"] is True and sse["SSEType"] == "KMS"
    assert refs(sse["KMSMasterKeyId"]) == {"EncryptionKey"}


def test_the_table_survives_stack_deletion_and_replacement(dev: Template) -> None:
    table = dev["Resources"]["Table"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_the_table_has_no_fixed_name_so_a_replacement_cannot_clash(dev: Template) -> None:
    assert "TableName" not in props(dev, "Table")


def test_prod_turns_on_deletion_protection_and_dev_does_not(dev: Template, prod: Template) -> None:
    assert props(prod, "Table")["DeletionProtectionEnabled"] is True
    assert props(dev, "Table")["DeletionProtectionEnabled"] is False


def test_the_keys_come_from_the_config() -> None:
    template = synth({"partition_key": "tenant", "sort_key": None})
    assert props(template, "Table")["KeySchema"] == [{"AttributeName": "tenant", "KeyType": "HASH"}]


def test_the_key_the_table_uses_is_kept_too(dev: Template) -> None:
    [key] = of_type(dev, "AWS::KMS::Key").values()
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
