"""EM461: a self-managed stack instance is a stack named StackSet-<name>-<id> in its account
and Region, and an update of the StackSet reaches it
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html)."""

from __future__ import annotations

import json

from emulator.accounts import Account
from emulator.stacksets import TOPIC, with_execution_role


def test_an_update_of_the_stack_set_reaches_each_instance_stack(emulator_endpoint: str) -> None:
    admin, target = with_execution_role(emulator_endpoint)
    cfn = admin.client("cloudformation")
    cfn.create_stack_set(StackSetName="em461", TemplateBody=json.dumps(TOPIC))
    cfn.create_stack_instances(StackSetName="em461", Accounts=[target], Regions=["eu-west-1"])
    there = Account(emulator_endpoint, "eu-west-1", target).client("cloudformation")
    [stack] = there.describe_stacks()["Stacks"]
    assert stack["StackName"].startswith("StackSet-em461-")
    changed = {"Resources": {**TOPIC["Resources"], "Second": {"Type": "AWS::SNS::Topic"}}}
    cfn.update_stack_set(StackSetName="em461", TemplateBody=json.dumps(changed))
    resources = there.list_stack_resources(StackName=stack["StackName"])
    assert {r["LogicalResourceId"] for r in resources["StackResourceSummaries"]} == {
        "Topic",
        "Second",
    }
