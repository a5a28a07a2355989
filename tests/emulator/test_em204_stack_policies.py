"""EM204: a stack policy allows or denies each change of an update.

"After you set a stack policy, all of the resources in the stack are protected by default";
Allow and Deny statements match Update:Modify, Update:Replace and Update:Delete on
LogicalResourceId/NAME resources, optionally with a ResourceType condition, and an explicit
Deny wins. A denied update fails with "Action denied by stack policy" on the resource and rolls
back (UPDATE_ROLLBACK_COMPLETE) with nothing changed.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from appstack.deploy import protection
from appstack.local.fidelity.em204_stack_policies import action_of, denial

REGION = "eu-central-1"
BEFORE = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "before"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
    }
}
TOPIC_CHANGED = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "after"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
        "Queue": {"Type": "AWS::SQS::Queue"},
    }
}
TOPIC_REMOVED = {"Resources": {"Logs": BEFORE["Resources"]["Logs"]}}
ALLOW_ALL = {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Statement": list(statements)})


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)


def deployed(cfn: Any, name: str, stack_policy: str) -> None:
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(BEFORE))
    cfn.set_stack_policy(StackName=name, StackPolicyBody=stack_policy)


def execute(cfn: Any, name: str, template: dict[str, Any]) -> dict[str, Any]:
    cfn.create_change_set(
        StackName=name,
        ChangeSetName="next",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
    )
    # Only an AVAILABLE change set runs: wait until it is made (EM305).
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=name, ChangeSetName="next", WaiterConfig={"Delay": 1}
    )
    cfn.execute_change_set(StackName=name, ChangeSetName="next")
    stack: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return stack


def failures(cfn: Any, name: str) -> dict[str, str]:
    return {
        e["LogicalResourceId"]: e["ResourceStatusReason"]
        for e in cfn.describe_stack_events(StackName=name)["StackEvents"]
        if e["ResourceStatus"] == "UPDATE_FAILED"
    }


def topic_name(cfn: Any, emulator_endpoint: str, name: str) -> str:
    sns = boto3.client("sns", region_name=REGION, endpoint_url=emulator_endpoint)
    arn = cfn.describe_stack_resource(StackName=name, LogicalResourceId="Topic")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    return str(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"])


def test_the_stack_policy_is_stored(cfn: Any) -> None:
    deployed(cfn, "policy-stored", policy(ALLOW_ALL))
    assert json.loads(cfn.get_stack_policy(StackName="policy-stored")["StackPolicyBody"]) == {
        "Statement": [ALLOW_ALL]
    }


def test_a_denied_modification_fails_and_rolls_back_with_nothing_changed(
    cfn: Any, emulator_endpoint: str
) -> None:
    deny_topic = {
        "Effect": "Deny",
        "Action": "Update:Modify",
        "Principal": "*",
        "Resource": "LogicalResourceId/Topic",
    }
    deployed(cfn, "policy-denied", policy(ALLOW_ALL, deny_topic))
    stack = execute(cfn, "policy-denied", TOPIC_CHANGED)
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert failures(cfn, "policy-denied") == {
        "Topic": "Action denied by stack policy: Statement [#2] does not allow [Update:Modify] "
        "for resource [LogicalResourceId/Topic]"
    }
    assert topic_name(cfn, emulator_endpoint, "policy-denied") == "before"
    resources = cfn.describe_stack_resources(StackName="policy-denied")["StackResources"]
    assert "Queue" not in {r["LogicalResourceId"] for r in resources}  # nothing was added


def test_without_an_allowing_statement_an_update_is_denied(cfn: Any) -> None:
    only_logs = {**ALLOW_ALL, "Resource": "LogicalResourceId/Logs"}
    deployed(cfn, "policy-default", policy(only_logs))
    stack = execute(cfn, "policy-default", TOPIC_CHANGED)
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert failures(cfn, "policy-default")["Topic"].startswith("Action denied by stack policy")


def test_a_deny_by_resource_type_stops_a_delete_and_allows_a_modify(
    cfn: Any, emulator_endpoint: str
) -> None:
    no_topic_delete = {
        "Effect": "Deny",
        "Action": ["Update:Replace", "Update:Delete"],
        "Principal": "*",
        "Resource": "*",
        "Condition": {"StringEquals": {"ResourceType": ["AWS::SNS::Topic"]}},
    }
    deployed(cfn, "policy-type", policy(ALLOW_ALL, no_topic_delete))
    stack = execute(cfn, "policy-type", TOPIC_REMOVED)
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert "[Update:Delete]" in failures(cfn, "policy-type")["Topic"]
    cfn.delete_change_set(StackName="policy-type", ChangeSetName="next")
    stack = execute(cfn, "policy-type", TOPIC_CHANGED)
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert topic_name(cfn, emulator_endpoint, "policy-type") == "after"


def test_update_stack_is_held_to_the_policy_too(cfn: Any) -> None:
    deployed(
        cfn, "policy-update-stack", policy({**ALLOW_ALL, "Resource": "LogicalResourceId/Logs"})
    )
    cfn.update_stack(StackName="policy-update-stack", TemplateBody=json.dumps(TOPIC_CHANGED))
    stack = cfn.describe_stacks(StackName="policy-update-stack")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert "Topic" in failures(cfn, "policy-update-stack")


def test_a_stack_without_a_policy_takes_every_update(cfn: Any) -> None:
    cfn.create_stack(StackName="policy-none", TemplateBody=json.dumps(BEFORE))
    assert execute(cfn, "policy-none", TOPIC_REMOVED)["StackStatus"] == "UPDATE_COMPLETE"


def change(action: str, replacement: str = "False") -> Any:
    return SimpleNamespace(action=action, replacement=replacement)


def test_a_change_set_replacement_is_judged_as_update_replace() -> None:
    assert action_of(change("Modify", "True")) == "Update:Replace"
    assert action_of(change("Modify", "Conditional")) == "Update:Replace"
    assert action_of(change("Modify")) == "Update:Modify"
    assert action_of(change("Remove")) == "Update:Delete"
    assert action_of(change("Add")) is None


def test_appstacks_policy_denies_replacing_the_table_and_allows_modifying_it() -> None:
    template = {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            },
            "Topic": {"Type": "AWS::SNS::Topic"},
        }
    }
    body = protection.stack_policy(template)
    table = "AWS::DynamoDB::Table"
    assert denial(body, "Update:Replace", "Table", table) is not None
    assert denial(body, "Update:Delete", "Table", table) is not None
    assert denial(body, "Update:Modify", "Table", table) is None
    assert denial(body, "Update:Replace", "Topic", "AWS::SNS::Topic") is None


def test_not_resource_and_not_action_and_wildcards_match_as_documented() -> None:
    body = policy(
        {"Effect": "Allow", "NotAction": "Update:Delete", "Principal": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "Update:*",
            "Principal": "*",
            "NotResource": "LogicalResourceId/Web*",
        },
    )
    assert denial(body, "Update:Modify", "WebServer", "AWS::EC2::Instance") is None
    assert denial(body, "Update:Modify", "Database", "AWS::RDS::DBCluster") is not None
    assert denial(body, "Update:Delete", "WebServer", "AWS::EC2::Instance") is not None


def test_update_stack_can_override_the_policy_for_one_update_and_set_a_new_one(
    cfn: Any, emulator_endpoint: str
) -> None:
    # UpdateStack: StackPolicyDuringUpdateBody is "a temporary overriding stack policy during
    # this update"; StackPolicyBody is the new stack policy (the current one otherwise stays).
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html
    deny_all = policy({"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*"})
    deployed(cfn, "policy-override", deny_all)
    cfn.update_stack(
        StackName="policy-override",
        TemplateBody=json.dumps(TOPIC_CHANGED),
        StackPolicyDuringUpdateBody=policy(ALLOW_ALL),
    )
    stack = cfn.describe_stacks(StackName="policy-override")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert topic_name(cfn, emulator_endpoint, "policy-override") == "after"
    assert json.loads(cfn.get_stack_policy(StackName="policy-override")["StackPolicyBody"]) == (
        json.loads(deny_all)
    )
    cfn.update_stack(
        StackName="policy-override",
        TemplateBody=json.dumps(BEFORE),
        StackPolicyDuringUpdateBody=policy(ALLOW_ALL),
        StackPolicyBody=policy(ALLOW_ALL),
    )
    assert json.loads(cfn.get_stack_policy(StackName="policy-override")["StackPolicyBody"]) == (
        json.loads(policy(ALLOW_ALL))
    )
