"""EM431: ContinueUpdateRollback retries what an UPDATE_ROLLBACK_FAILED stack could not put
back, and sets the resources it is told to skip to UPDATE_COMPLETE.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
("continues rolling it back to the UPDATE_ROLLBACK_COMPLETE state ... CloudFormation sets the
status of the specified resources to UPDATE_COMPLETE and continues to roll back the stack").
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator._lifecycle import client, deploy, status, topic, unique
from emulator._rollback_failed import restore_table, stuck_on_queue, stuck_on_table

REGION = "eu-north-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


def test_a_rollback_that_still_cannot_put_back_fails_again(
    cfn: Any, emulator_endpoint: str
) -> None:
    stack = unique("again")
    stuck_on_table(cfn, emulator_endpoint, stack)
    cfn.continue_update_rollback(StackName=stack)
    assert status(cfn, stack) == "UPDATE_ROLLBACK_FAILED"


def test_once_the_cause_is_fixed_the_rollback_completes(cfn: Any, emulator_endpoint: str) -> None:
    stack = unique("fixed")
    stuck_on_table(cfn, emulator_endpoint, stack)
    restore_table(cfn, emulator_endpoint, stack)
    cfn.continue_update_rollback(StackName=stack, ClientRequestToken="retry-1")
    assert status(cfn, stack) == "UPDATE_ROLLBACK_COMPLETE"
    newest = cfn.describe_stack_events(StackName=stack)["StackEvents"][0]
    assert newest["ResourceStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert newest["ClientRequestToken"] == "retry-1"


def test_a_skipped_resource_is_set_update_complete_and_the_stack_takes_updates_again(
    cfn: Any, emulator_endpoint: str
) -> None:
    stack = unique("skip")
    stuck_on_queue(cfn, emulator_endpoint, stack)
    cfn.continue_update_rollback(StackName=stack, ResourcesToSkip=["Queue"])
    assert status(cfn, stack) == "UPDATE_ROLLBACK_COMPLETE"
    listed = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    assert "UPDATE_FAILED" not in {r["ResourceStatus"] for r in listed}
    assert deploy(cfn, stack, {"Resources": {"Topic": topic()}}) == "UPDATE_COMPLETE"


def test_a_stack_whose_rollback_did_not_fail_is_refused(cfn: Any) -> None:
    stack = unique("healthy")
    deploy(cfn, stack, {"Resources": {"Topic": topic()}})
    with pytest.raises(ClientError, match="CREATE_COMPLETE state and can not continue"):
        cfn.continue_update_rollback(StackName=stack)
