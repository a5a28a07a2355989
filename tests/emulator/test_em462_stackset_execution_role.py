"""EM462: a self-managed stack instance in an account without the execution role fails with
the reason; past the failure tolerance the operation stops and is FAILED
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html)."""

from __future__ import annotations

import json

from emulator.accounts import Account
from emulator.stacksets import TOPIC, with_execution_role


def test_an_account_without_the_execution_role_fails_and_stops_the_operation(
    emulator_endpoint: str,
) -> None:
    admin, ready = with_execution_role(emulator_endpoint)
    bare = Account(emulator_endpoint).id
    cfn = admin.client("cloudformation")
    cfn.create_stack_set(StackSetName="em462", TemplateBody=json.dumps(TOPIC))
    operation = cfn.create_stack_instances(
        StackSetName="em462", Accounts=[bare, ready], Regions=["us-east-1"]
    )["OperationId"]
    found = cfn.describe_stack_set_operation(StackSetName="em462", OperationId=operation)
    assert found["StackSetOperation"]["Status"] == "FAILED"
    results = cfn.list_stack_set_operation_results(StackSetName="em462", OperationId=operation)
    by_account = {r["Account"]: r for r in results["Summaries"]}
    assert by_account[bare]["Status"] == "FAILED"
    assert "AWSCloudFormationStackSetExecutionRole" in by_account[bare]["StatusReason"]
    assert by_account[ready]["Status"] == "CANCELLED"
    assert (
        Account(emulator_endpoint, account=bare)
        .client("cloudformation")
        .describe_stacks()["Stacks"]
        == []
    )
    [instance] = [
        i
        for i in cfn.list_stack_instances(StackSetName="em462")["Summaries"]
        if i["Account"] == bare
    ]
    assert instance["Status"] == "OUTDATED"
    assert instance["StackInstanceStatus"]["DetailedStatus"] == "FAILED"
