"""EM430: an update rollback that cannot put a resource back ends UPDATE_ROLLBACK_FAILED; the
resource is UPDATE_FAILED with its reason, and the stack takes no update.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
("A stack goes into the UPDATE_ROLLBACK_FAILED state when CloudFormation can't roll back all
changes after a failed stack update"), and "Stack:ARN is in UPDATE_ROLLBACK_FAILED state and
can not be updated." for any update until the rollback ends.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator._lifecycle import client, deploy, events, physical_id, topic, unique
from emulator._rollback_failed import queue, stuck_on_queue

REGION = "eu-south-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def stuck(cfn: Any, emulator_endpoint: str) -> tuple[str, str]:
    stack = unique("stuck")
    return stack, stuck_on_queue(cfn, emulator_endpoint, stack)


def test_a_rollback_that_cannot_reach_its_resource_ends_update_rollback_failed(
    cfn: Any, stuck: tuple[str, str]
) -> None:
    stack, status = stuck
    assert status == "UPDATE_ROLLBACK_FAILED"
    last = cfn.describe_stack_events(StackName=stack)["StackEvents"][0]
    assert last["ResourceStatus"] == "UPDATE_ROLLBACK_FAILED"
    assert last["ResourceStatusReason"] == "The following resource(s) failed to update: [Queue]."


def test_the_resource_not_put_back_is_listed_update_failed_with_its_reason(
    cfn: Any, stuck: tuple[str, str]
) -> None:
    stack, _ = stuck
    listed = {
        r["LogicalResourceId"]: r
        for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    }
    assert listed["Queue"]["ResourceStatus"] == "UPDATE_FAILED"
    assert "NonExistentQueue" in listed["Queue"]["ResourceStatusReason"]
    assert listed["Topic"]["ResourceStatus"] != "UPDATE_FAILED"
    # The failed update and the failed rollback of the queue both have their events.
    assert len(events(cfn, stack, "UPDATE_FAILED")) >= 2


def test_a_stack_whose_rollback_failed_takes_no_update(cfn: Any, stuck: tuple[str, str]) -> None:
    stack, _ = stuck
    template = json.dumps({"Resources": {"Topic": topic(), "Queue": queue(90)}})
    with pytest.raises(ClientError, match="is in UPDATE_ROLLBACK_FAILED state and can not be"):
        cfn.create_change_set(
            StackName=stack, ChangeSetName="again", ChangeSetType="UPDATE", TemplateBody=template
        )
    with pytest.raises(ClientError, match="is in UPDATE_ROLLBACK_FAILED state and can not be"):
        cfn.update_stack(StackName=stack, TemplateBody=template)


def test_a_rollback_that_puts_everything_back_still_completes(
    cfn: Any, emulator_endpoint: str
) -> None:
    """The queue was changed, then a vault whose name is taken failed: the queue goes back."""
    stack, name = unique("fine"), unique("vault")
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    deploy(cfn, stack, {"Resources": {"Topic": topic(), "Queue": queue(30)}})
    vault = {"Type": "AWS::Backup::BackupVault", "DependsOn": "Queue",
             "Properties": {"BackupVaultName": name}}  # fmt: skip
    broken = {"Resources": {"Topic": topic(), "Queue": queue(60), "Vault": vault}}
    assert deploy(cfn, stack, broken) == "UPDATE_ROLLBACK_COMPLETE"
    sqs = client("sqs", emulator_endpoint, REGION)
    attributes = sqs.get_queue_attributes(
        QueueUrl=physical_id(cfn, stack, "Queue"), AttributeNames=["VisibilityTimeout"]
    )["Attributes"]
    assert attributes["VisibilityTimeout"] == "30"
