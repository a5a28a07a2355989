"""EM207: operations take time, run after the request answers, and emit resource events.

CreateStack: "After the call completes successfully, the stack creation starts. You can check
the status of the stack through the DescribeStacks operation."
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
Each resource reports its own events (LogicalResourceId, PhysicalResourceId, ResourceType,
ResourceStatus): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from appstack.deploy import events, stacks
from appstack.deploy.session import Connection
from appstack.estimates.forecast import forecast, load_durations
from emulator.own_emulator import emulator

SCALE = 0.5  # a 2 s creation: room for a poll while it runs, on a loaded machine too
REGION = "us-west-2"
TEMPLATE = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
    }
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with emulator(APPSTACK_TIME_SCALE=str(SCALE)) as url:
        yield url


@pytest.fixture(scope="module")
def cfn(endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=endpoint)


def status(cfn: Any, name: str) -> str:
    return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])


def wait_done(cfn: Any, name: str) -> str:
    deadline = time.monotonic() + 30
    while (current := status(cfn, name)).endswith("_IN_PROGRESS"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return current


def resource_events(cfn: Any, name: str) -> list[dict[str, Any]]:
    found = cfn.describe_stack_events(StackName=name)["StackEvents"][::-1]  # oldest first
    return [e for e in found if e["ResourceType"] != "AWS::CloudFormation::Stack"]


def test_create_stack_answers_at_once_and_the_stack_is_in_progress_meanwhile(cfn: Any) -> None:
    started = time.monotonic()
    cfn.create_stack(StackName="timed-create", TemplateBody=json.dumps(TEMPLATE))
    assert status(cfn, "timed-create") == "CREATE_IN_PROGRESS"  # answered before it is done
    assert wait_done(cfn, "timed-create") == "CREATE_COMPLETE"
    assert time.monotonic() - started >= forecast(TEMPLATE).total * SCALE * 0.9


def test_each_resource_reports_in_progress_then_complete_with_its_ids(cfn: Any) -> None:
    cfn.create_stack(StackName="timed-events", TemplateBody=json.dumps(TEMPLATE))
    wait_done(cfn, "timed-events")
    found = resource_events(cfn, "timed-events")
    for logical_id, resource in TEMPLATE["Resources"].items():
        mine = [e for e in found if e["LogicalResourceId"] == logical_id]
        assert [e["ResourceStatus"] for e in mine] == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
        assert {e["ResourceType"] for e in mine} == {resource["Type"]}
        assert mine[-1]["PhysicalResourceId"]
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.describe_stack_resources(StackName="timed-events")["StackResources"]
    }
    assert {e["LogicalResourceId"]: e["PhysicalResourceId"] for e in found[1::2]} == physical


def test_an_update_reports_updated_added_and_removed_resources(cfn: Any) -> None:
    cfn.create_stack(StackName="timed-update", TemplateBody=json.dumps(TEMPLATE))
    wait_done(cfn, "timed-update")
    changed = {
        "Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 14}},
            "Queue": {"Type": "AWS::SQS::Queue"},
        }
    }
    cfn.update_stack(StackName="timed-update", TemplateBody=json.dumps(changed))
    # Still running when the call has answered (on a loaded machine it may have reached its
    # cleanup already: both are the update in progress, neither is its end).
    assert status(cfn, "timed-update") in {
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    }
    assert wait_done(cfn, "timed-update") == "UPDATE_COMPLETE"
    found = [
        (e["LogicalResourceId"], e["ResourceStatus"])
        for e in resource_events(cfn, "timed-update")[4:]
    ]
    assert ("Topic", "DELETE_IN_PROGRESS") in found and ("Topic", "DELETE_COMPLETE") in found
    assert ("Queue", "CREATE_IN_PROGRESS") in found and ("Queue", "CREATE_COMPLETE") in found
    assert ("Logs", "UPDATE_IN_PROGRESS") in found and ("Logs", "UPDATE_COMPLETE") in found


def test_a_deleted_stack_stays_visible_delete_in_progress_until_it_is_gone(cfn: Any) -> None:
    stack_id = cfn.create_stack(StackName="timed-delete", TemplateBody=json.dumps(TEMPLATE))[
        "StackId"
    ]
    wait_done(cfn, "timed-delete")
    cfn.delete_stack(StackName="timed-delete")
    assert status(cfn, "timed-delete") == "DELETE_IN_PROGRESS"
    deadline = time.monotonic() + 30
    while any(s["StackName"] == "timed-delete" for s in cfn.describe_stacks()["Stacks"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert status(cfn, stack_id) == "DELETE_COMPLETE"
    kinds = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in resource_events(cfn, stack_id)]
    assert ("Topic", "DELETE_COMPLETE") in kinds and ("Logs", "DELETE_COMPLETE") in kinds


def test_appstack_follows_the_resource_events_of_a_deploy_as_they_happen(
    endpoint: str, cfn: Any
) -> None:
    conn = Connection(REGION, endpoint=endpoint)
    change_set, _ = stacks.plan(conn, "timed-deploy", None, TEMPLATE)
    seen: list[tuple[str, events.Event]] = []  # each event, with the stack's status then

    def noticed(event: events.Event) -> None:
        seen.append((status(cfn, "timed-deploy"), event))

    outcome = stacks.apply(conn, change_set, TEMPLATE, False, noticed)
    assert outcome.status == "CREATE_COMPLETE"
    completed = {e.logical_id for _, e in seen if e.status == "CREATE_COMPLETE"}
    assert completed >= {"Topic", "Logs"}
    # noticed as they happened, while the stack was still being created, not all at the end
    assert any(
        stack == "CREATE_IN_PROGRESS" and e.resource_type != "AWS::CloudFormation::Stack"
        for stack, e in seen
    )


def test_an_instant_emulator_emits_resource_events_too(emulator_endpoint: str) -> None:
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="instant-events", TemplateBody=json.dumps(TEMPLATE))
    assert status(cfn, "instant-events") == "CREATE_COMPLETE"  # done when the call answers
    found = {
        (e["LogicalResourceId"], e["ResourceStatus"])
        for e in resource_events(cfn, "instant-events")
    }
    assert found == {
        ("Topic", "CREATE_IN_PROGRESS"),
        ("Topic", "CREATE_COMPLETE"),
        ("Logs", "CREATE_IN_PROGRESS"),
        ("Logs", "CREATE_COMPLETE"),
    }


def test_describing_a_stack_in_progress_neither_creates_nor_waits_for_its_resources(
    cfn: Any,
) -> None:
    template = {
        **TEMPLATE,
        "Outputs": {
            "LogsName": {"Value": {"Ref": "Logs"}},
            "TopicArn": {"Value": {"Ref": "Topic"}},
        },
    }
    cfn.create_stack(StackName="timed-describe", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="timed-describe")["Stacks"][0]
    listed = cfn.describe_stack_resources(StackName="timed-describe")["StackResources"]
    assert stack["StackStatus"] == "CREATE_IN_PROGRESS" and "Outputs" not in stack
    assert len(listed) < len(TEMPLATE["Resources"])  # only what exists so far
    # and the describes made none of them: each resource ran from start to end on its own
    assert wait_done(cfn, "timed-describe") == "CREATE_COMPLETE"
    order = [
        (e["LogicalResourceId"], e["ResourceStatus"])
        for e in resource_events(cfn, "timed-describe")
    ]
    assert len(order) == 4 and order[0][0] == order[1][0] and order[2][0] == order[3][0]
    outputs = cfn.describe_stacks(StackName="timed-describe")["Stacks"][0]["Outputs"]
    assert {o["OutputKey"] for o in outputs} == {"LogsName", "TopicArn"}


def test_independent_resources_take_the_longest_chain_not_the_sum(cfn: Any) -> None:
    # CloudFormation works on every resource whose dependencies are done at once: the stack
    # takes its longest dependency chain, the figure the forecast gives (appstack plan).
    template = {
        "Resources": {
            "First": {"Type": "AWS::SNS::Topic"},
            "Second": {"Type": "AWS::SNS::Topic"},
            "Third": {"Type": "AWS::SNS::Topic"},
            "Policy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {
                    "Topics": [{"Ref": "First"}],
                    "PolicyDocument": {"Statement": []},
                },
            },
        }
    }
    table = load_durations()
    chain = forecast(template).total * SCALE
    one_after_another = sum(
        table.seconds(r["Type"], "create") for r in template["Resources"].values()
    )
    assert one_after_another * SCALE > 2 * chain  # the two differ enough to tell apart
    started = time.monotonic()
    cfn.create_stack(StackName="timed-parallel", TemplateBody=json.dumps(template))
    assert wait_done(cfn, "timed-parallel") == "CREATE_COMPLETE"
    elapsed = time.monotonic() - started
    assert chain * 0.9 <= elapsed < (chain + one_after_another * SCALE) / 2
    found = resource_events(cfn, "timed-parallel")
    begun = {
        e["LogicalResourceId"]: e["Timestamp"]
        for e in found
        if e["ResourceStatus"] == "CREATE_IN_PROGRESS"
    }
    done = {
        e["LogicalResourceId"]: e["Timestamp"]
        for e in found
        if e["ResourceStatus"] == "CREATE_COMPLETE"
    }
    assert begun["Policy"] >= done["First"]  # a resource starts once what it needs is done
