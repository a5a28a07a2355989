"""The stateful table: one home for what holds data and which policies keep it.

DeletionPolicy (Snapshot only where the type supports it):
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
"""

from __future__ import annotations

import ast
from pathlib import Path

import appstack
from appstack.data.stateful import KEEPS_DATA, deletes_by_choice, explicit_only, keeps_data

SRC = Path(appstack.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_the_deploy_engine_reads_the_stateful_table_from_the_data_layer_not_a_lint_rule() -> None:
    offenders = {
        path.name
        for path in (SRC / "deploy").glob("*.py")
        if any(module.startswith("appstack.checks.rules") for module in _imports(path))
    }
    assert offenders == set()


def test_snapshot_keeps_data_only_where_the_type_supports_it() -> None:
    assert "Snapshot" in KEEPS_DATA
    assert keeps_data(
        {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot"}, "DeletionPolicy"
    )
    assert not keeps_data(
        {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Snapshot"}, "DeletionPolicy"
    )
    assert not keeps_data({"Type": "AWS::S3::Bucket"}, "DeletionPolicy")  # Delete by default


def test_an_instance_of_a_cluster_holds_no_data_and_may_say_delete() -> None:
    member = {
        "Type": "AWS::RDS::DBInstance",
        "DeletionPolicy": "Delete",
        "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}},
    }
    alone = {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Delete", "Properties": {}}
    assert explicit_only(member) and deletes_by_choice(member, "DeletionPolicy")
    assert not explicit_only(alone) and not keeps_data(alone, "DeletionPolicy")


def test_a_log_group_must_say_what_happens_to_its_data() -> None:
    unsaid = {"Type": "AWS::Logs::LogGroup"}
    said = {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete"}
    assert not deletes_by_choice(unsaid, "DeletionPolicy")
    assert deletes_by_choice(said, "DeletionPolicy")


def test_what_holds_data_is_what_the_table_lists_except_the_instances_of_a_cluster() -> None:
    from appstack.data.stateful import holds_data

    member = {"Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}}}
    assert holds_data("AWS::RDS::DBCluster", {})
    assert holds_data("AWS::RDS::DBInstance", {"Properties": {}})
    assert not holds_data("AWS::RDS::DBInstance", member)
    assert not holds_data("AWS::SNS::Topic", {})
