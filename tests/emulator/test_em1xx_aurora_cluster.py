"""The Aurora cluster model: updates apply in place, and deletion protection refuses the
delete on a stack deletion (DELETE_FAILED) and in an update's cleanup (UPDATE_COMPLETE,
the cluster left behind), as EM100 describes.

AWS: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection
("you can't delete a DB cluster that has deletion protection enabled"),
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
(InvalidParameterCombination) and
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html
(DeletionProtection, BackupRetentionPeriod: Update requires No interruption).
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import aurora_cluster, client, deploy, events, physical_id, topic, unique

REGION = "ap-southeast-2"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def rds(emulator_endpoint: str) -> Any:
    return client("rds", emulator_endpoint, REGION)


def described(rds: Any, cluster: str) -> dict[str, Any]:
    found: dict[str, Any] = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
    return found


def test_an_update_turns_deletion_protection_on_and_changes_retention(cfn: Any, rds: Any) -> None:
    stack = unique("dbupd")
    deploy(cfn, stack, {"Resources": {"Db": aurora_cluster(BackupRetentionPeriod=1)}})
    cluster = physical_id(cfn, stack, "Db")
    changed = aurora_cluster(BackupRetentionPeriod=7, DeletionProtection=True)
    assert deploy(cfn, stack, {"Resources": {"Db": changed}}) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "Db") == cluster
    assert described(rds, cluster)["DeletionProtection"] is True
    assert described(rds, cluster)["BackupRetentionPeriod"] == 7


def test_a_protected_cluster_removed_by_an_update_is_left_behind(cfn: Any, rds: Any) -> None:
    stack = unique("dbrm")
    protected = {**aurora_cluster(DeletionProtection=True), "DeletionPolicy": "Snapshot"}
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Db": protected}})
    cluster = physical_id(cfn, stack, "Db")
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"
    failed = events(cfn, stack, "DELETE_FAILED")
    assert [e["LogicalResourceId"] for e in failed] == ["Db"]
    assert failed[0]["ResourceStatusReason"].startswith("InvalidParameterCombination")
    assert described(rds, cluster)["DeletionProtection"] is True


def test_deleting_a_stack_with_a_protected_cluster_ends_delete_failed(cfn: Any, rds: Any) -> None:
    stack = unique("dbdel")
    deploy(cfn, stack, {"Resources": {"Db": aurora_cluster(DeletionProtection=True)}})
    cluster = physical_id(cfn, stack, "Db")
    cfn.delete_stack(StackName=stack)
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "DELETE_FAILED"
    assert [e["LogicalResourceId"] for e in events(cfn, stack, "DELETE_FAILED")] == ["Db"]
    assert described(rds, cluster)["DeletionProtection"] is True
