"""What removing a resource does to it: kept, deleted after a final snapshot, or deleted.

The fate follows the DeletionPolicy, which also applies to resources an update removes
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
"""

from __future__ import annotations

import pytest

from appstack.deploy import removals
from appstack.deploy.changesets import Change


def test_removing_a_cluster_with_no_deletion_policy_snapshots_it() -> None:
    from appstack.deploy import removals

    assert removals.fate({"Type": "AWS::RDS::DBCluster"}) == removals.SNAPSHOT
    assert removals.fate({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Snapshot"}) == (
        removals.DELETED
    )


@pytest.mark.parametrize("policy", ["Retain", "RetainExceptOnCreate"])
def test_a_retained_resource_is_kept_whatever_its_type(policy: str) -> None:
    for kind in ("AWS::DynamoDB::Table", "AWS::RDS::DBCluster", "AWS::SNS::Topic"):
        assert removals.fate({"Type": kind, "DeletionPolicy": policy}) == removals.KEPT


def test_a_snapshot_policy_snapshots_a_cache_and_deletes_a_table_that_has_no_snapshot() -> None:
    # Snapshot is supported by ElastiCache replication groups, not by DynamoDB tables: there
    # CloudFormation deletes the resource (the DeletionPolicy reference above).
    cache = {"Type": "AWS::ElastiCache::ReplicationGroup", "DeletionPolicy": "Snapshot"}
    table = {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Snapshot"}
    assert removals.fate(cache) == removals.SNAPSHOT
    assert removals.fate(table) == removals.DELETED


def test_a_resource_without_a_policy_is_deleted() -> None:
    assert removals.fate({"Type": "AWS::DynamoDB::Table"}) == removals.DELETED
    assert removals.fate({}) == removals.DELETED


def test_only_removals_are_judged_and_on_the_deployed_template() -> None:
    changes = [
        Change("Remove", "Table", "AWS::DynamoDB::Table"),
        Change("Remove", "Database", "AWS::RDS::DBCluster"),
        Change("Remove", "Scratch", "AWS::DynamoDB::Table"),
        Change("Modify", "Service", "AWS::ECS::Service"),
        Change("Add", "Topic", "AWS::SNS::Topic"),
    ]
    deployed = {
        "Resources": {
            "Table": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain"},
            "Database": {
                "Type": "AWS::RDS::DBCluster",
                "DeletionPolicy": "Snapshot",
                "Properties": {"DeletionProtection": True},
            },
            "Scratch": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete"},
        }
    }
    found = removals.of(changes, deployed, {"Table": "app-dev-items"})
    by_id = {r.logical_id: r for r in found}
    assert list(by_id) == ["Table", "Database", "Scratch"]
    assert (by_id["Table"].fate, by_id["Table"].stateful) == (removals.KEPT, False)
    assert by_id["Table"].label == "Table (AWS::DynamoDB::Table, app-dev-items)"
    database = by_id["Database"]
    assert (database.fate, database.deletion_protected) == (removals.SNAPSHOT, True)
    assert not database.stateful  # its final snapshot keeps the data
    scratch = by_id["Scratch"]
    assert (scratch.fate, scratch.stateful, scratch.physical_id) == (removals.DELETED, True, "")
    assert scratch.label == "Scratch (AWS::DynamoDB::Table)"


class _Answering:
    """A connection whose DynamoDB answers DescribeTable with the given error code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def client(self, service: str) -> _Answering:
        return self

    def describe_table(self, TableName: str) -> None:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": self.code, "Message": "m"}}, "DescribeTable")


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("ResourceNotFoundException", "was to be kept, but is gone"),
        ("AccessDeniedException", "could not be checked"),
        ("ThrottlingException", "could not be checked"),
    ],
)
def test_a_kept_resource_is_gone_only_when_aws_says_it_is_not_found(code: str, said: str) -> None:
    kept = removals.Removal("Table", "AWS::DynamoDB::Table", "shop-table", removals.KEPT)
    checked = removals.check(_Answering(code), [kept])  # type: ignore[arg-type]
    assert checked.facts == []
    [problem] = checked.problems
    assert said in problem
