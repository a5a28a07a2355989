"""EM100: an update creates and updates first, deletes in its cleanup phase, and rolls back
on failure; a failed creation deletes what it made.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
and https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html
(a resource that cannot be deleted during cleanup is left behind; the update still succeeds)
and https://repost.aws/knowledge-center/cloudformation-stack-cleanup-stuck ("CloudFormation
tries to delete a resource three times before CloudFormation skips the resource and
continues the cleanup process").
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, events, physical_id, table, topic, unique

REGION = "ca-central-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def dynamodb(emulator_endpoint: str) -> Any:
    return client("dynamodb", emulator_endpoint, REGION)


def vault(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Backup::BackupVault",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {"BackupVaultName": name},
    }


def test_a_table_removed_then_added_again_is_created_again(cfn: Any, dynamodb: Any) -> None:
    stack = unique("readd")
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": table()}})
    first = physical_id(cfn, stack, "Table")
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"
    assert deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": table()}}) == (
        "UPDATE_COMPLETE"
    )
    second = physical_id(cfn, stack, "Table")
    assert second != first
    assert dynamodb.describe_table(TableName=second)["Table"]["TableStatus"] == "ACTIVE"


def test_a_deleted_resource_frees_its_name(cfn: Any, dynamodb: Any) -> None:
    stack, name = unique("frees"), unique("named-table")
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": table(name)}})
    deploy(cfn, stack, {"Resources": {"Topic": topic()}})
    assert name not in dynamodb.list_tables()["TableNames"]
    assert deploy(cfn, stack, {"Resources": {"Topic": topic(), "Table": table(name)}}) == (
        "UPDATE_COMPLETE"
    )
    assert name in dynamodb.list_tables()["TableNames"]


def test_a_delete_refused_in_update_cleanup_leaves_the_resource_and_completes(
    cfn: Any, dynamodb: Any
) -> None:
    stack = unique("cleanup")
    deploy(
        cfn,
        stack,
        {"Resources": {"Topic": topic(), "Table": table(DeletionProtectionEnabled=True)}},
    )
    name = physical_id(cfn, stack, "Table")
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"
    failed = events(cfn, stack, "DELETE_FAILED")
    assert [e["LogicalResourceId"] for e in failed] == ["Table"]
    assert "ValidationException" in failed[0]["ResourceStatusReason"]
    assert name in dynamodb.list_tables()["TableNames"]
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    assert [r["LogicalResourceId"] for r in resources] == ["Topic"]


def test_a_fixed_name_held_by_a_retained_resource_fails_the_update_and_rolls_back(
    cfn: Any, emulator_endpoint: str
) -> None:
    stack, name = unique("taken"), unique("vault")
    backup = client("backup", emulator_endpoint, REGION)
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Vault": vault(name)}})
    deploy(cfn, stack, {"Resources": {"Topic": topic()}})  # the vault is retained
    again = {"Resources": {"Topic": topic(), "Extra": topic(), "Vault": vault(name)}}
    assert deploy(cfn, stack, again) == "UPDATE_ROLLBACK_COMPLETE"
    failed = events(cfn, stack, "CREATE_FAILED")
    assert failed[0]["LogicalResourceId"] == "Vault"
    assert "AlreadyExistsException" in failed[0]["ResourceStatusReason"]
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    assert [r["LogicalResourceId"] for r in resources] == ["Topic"]
    names = [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]]
    assert names.count(name) == 1


def test_a_failed_update_deletes_what_it_created(cfn: Any, emulator_endpoint: str) -> None:
    stack, name = unique("undo"), unique("vault")
    sns = client("sns", emulator_endpoint, REGION)
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    deploy(cfn, stack, {"Resources": {"Topic": topic()}})
    before = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
    extra = {"Resources": {"Topic": topic(), "Extra": topic(), "Vault": vault(name)}}
    assert deploy(cfn, stack, extra) == "UPDATE_ROLLBACK_COMPLETE"
    assert {t["TopicArn"] for t in sns.list_topics()["Topics"]} == before


def test_a_failed_creation_deletes_what_it_created(cfn: Any, emulator_endpoint: str) -> None:
    stack, name = unique("create"), unique("vault")
    sns = client("sns", emulator_endpoint, REGION)
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    before = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
    template = {"Resources": {"Topic": topic(), "Vault": {**vault(name), "DependsOn": "Topic"}}}
    assert deploy(cfn, stack, template) == "ROLLBACK_COMPLETE"
    assert {t["TopicArn"] for t in sns.list_topics()["Topics"]} == before


def test_deleting_a_stack_whose_table_refuses_ends_delete_failed_and_keeps_it(
    cfn: Any, dynamodb: Any
) -> None:
    stack = unique("delete")
    deploy(
        cfn,
        stack,
        {"Resources": {"Topic": topic(), "Table": table(DeletionProtectionEnabled=True)}},
    )
    name = physical_id(cfn, stack, "Table")
    cfn.delete_stack(StackName=stack)
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "DELETE_FAILED"
    assert [e["LogicalResourceId"] for e in events(cfn, stack, "DELETE_FAILED")] == ["Table"]
    assert name in dynamodb.list_tables()["TableNames"]


def test_a_failed_stack_deletion_names_the_resources_it_could_not_delete(
    cfn: Any, dynamodb: Any
) -> None:
    """EM107 (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html):
    the stack stays DELETE_FAILED, what could go is gone, and its event names the rest."""
    stack = unique("names")
    template = {"Resources": {"Topic": topic(), "Table": table(DeletionProtectionEnabled=True)}}
    deploy(cfn, stack, template)
    cfn.delete_stack(StackName=stack)
    found = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    stack_failed = [
        e
        for e in found
        if e["ResourceType"] == "AWS::CloudFormation::Stack"
        and e["ResourceStatus"] == "DELETE_FAILED"
    ]
    assert stack_failed[0]["ResourceStatusReason"] == (
        "The following resource(s) failed to delete: [Table]."
    )
    # ListStackResources of a DELETE_FAILED stack lists what went too, as DELETE_COMPLETE
    # (tools that retain what failed filter on it: aws-nuke, go-to-k/delstack).
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in resources} == {
        "Topic": "DELETE_COMPLETE",
        "Table": "DELETE_FAILED",
    }


def role() -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "backup.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        },
    }


def test_a_role_removed_added_and_removed_again_goes_each_time(
    cfn: Any, emulator_endpoint: str
) -> None:
    """Up, down, up, down: the second removal deletes the role the second addition made
    (moto's cache kept the first, deleted one, and the second removal failed with
    NoSuchEntity)."""
    stack = unique("updown")
    iam = client("iam", emulator_endpoint, REGION)
    up, down = {"Resources": {"Topic": topic(), "Role": role()}}, {"Resources": {"Topic": topic()}}
    deploy(cfn, stack, down)
    for _ in range(2):
        assert deploy(cfn, stack, up) == "UPDATE_COMPLETE"
        name = physical_id(cfn, stack, "Role")
        assert iam.get_role(RoleName=name)["Role"]["RoleName"] == name
        assert deploy(cfn, stack, down) == "UPDATE_COMPLETE"
        assert name not in [r["RoleName"] for r in iam.list_roles()["Roles"]]


def test_a_failed_create_stack_ends_rollback_complete_with_nothing_left(
    cfn: Any, emulator_endpoint: str
) -> None:
    """CreateStack (not through a change set) rolls back the same way."""
    stack, name = unique("createstack"), unique("vault")
    sns = client("sns", emulator_endpoint, REGION)
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    before = {t["TopicArn"] for t in sns.list_topics()["Topics"]}
    template = {"Resources": {"Topic": topic(), "Vault": {**vault(name), "DependsOn": "Topic"}}}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    assert cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"] == []
    assert {t["TopicArn"] for t in sns.list_topics()["Topics"]} == before


def test_a_failed_update_stack_ends_update_rollback_complete_on_the_old_template(
    cfn: Any, emulator_endpoint: str
) -> None:
    """UpdateStack (not through a change set) rolls back the same way."""
    stack, name = unique("updatestack"), unique("vault")
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    before = {"Resources": {"Topic": topic()}}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(before))
    after = {"Resources": {"Topic": topic(), "Extra": topic(), "Vault": vault(name)}}
    cfn.update_stack(StackName=stack, TemplateBody=json.dumps(after))
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE"
    )
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    assert [r["LogicalResourceId"] for r in resources] == ["Topic"]
    assert set(cfn.get_template(StackName=stack)["TemplateBody"]["Resources"]) == {"Topic"}
