"""A deploy on AWS: its own events decide its outcome, every page of a change set is read,
Outputs-only changes run, and a change set runs only when CloudFormation says it can.

References: StackEvent.ClientRequestToken
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html),
DescribeChangeSet paging and ExecutionStatus
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html),
ExecuteChangeSet's ClientRequestToken
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from deploy.deploying import deploy

TOPIC = {"Type": "AWS::SNS::Topic"}
TABLE = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    },
}
BROKEN = {
    "Type": "AWS::SNS::Topic",
    "Properties": {"DisplayName": {"Fn::GetAtt": ["Topic", "NoSuchAttribute"]}},
}


def test_a_good_update_after_a_failed_one_succeeds_on_its_own_events(conn: Connection) -> None:
    template: dict[str, Any] = {"Resources": {"Topic": TOPIC}}
    assert deploy(conn, "after-failure", template).ok
    failing = copy.deepcopy(template)
    failing["Resources"]["Broken"] = BROKEN
    failed = deploy(conn, "after-failure", failing)
    assert not failed.ok and failed.failure is not None
    template["Resources"]["Other"] = TOPIC
    good = deploy(conn, "after-failure", template)
    assert good.status == "UPDATE_COMPLETE"
    assert good.failure is None and good.ok


def test_the_events_of_a_deploy_carry_its_change_sets_token(conn: Connection) -> None:
    template: dict[str, Any] = {"Resources": {"Topic": TOPIC}}
    seen: list[Any] = []
    change_set, _ = stacks.plan(conn, "tokens", None, template)
    stacks.apply(conn, change_set, template, production=False, on_event=seen.append)
    assert seen and {e.token for e in seen} == {change_set.token}
    newest = conn.client("cloudformation").describe_stack_events(StackName="tokens")
    assert newest["StackEvents"][0]["ClientRequestToken"] == change_set.token


def test_a_change_set_of_more_than_100_changes_is_read_whole(conn: Connection) -> None:
    template = {"Resources": {f"Topic{i}": TOPIC for i in range(230)}}
    change_set, _ = stacks.plan(conn, "many", None, template)
    stacks.discard(conn, change_set)
    assert change_set.count("add") == 230


def test_a_stateful_removal_past_the_first_page_is_refused(conn: Connection) -> None:
    deploy(conn, "hidden-removal", {"Resources": {"Data": TABLE, "Topic": TOPIC}})
    crowded = {"Resources": {"Topic": TOPIC, **{f"New{i}": TOPIC for i in range(120)}}}
    change_set, risks = stacks.plan(
        conn, "hidden-removal", stacks.current(conn, "hidden-removal"), crowded
    )
    stacks.discard(conn, change_set)
    assert any(r.startswith("Data (AWS::DynamoDB::Table)") and "deleted" in r for r in risks)


def test_a_change_of_outputs_only_is_deployed(conn: Connection) -> None:
    template: dict[str, Any] = {"Resources": {"Topic": TOPIC}}
    deploy(conn, "outputs-only", template)
    template["Outputs"] = {"TopicArn": {"Value": {"Ref": "Topic"}}}
    outcome = deploy(conn, "outputs-only", template)
    assert outcome.status == "UPDATE_COMPLETE" and outcome.ok
    assert "TopicArn" in stacks.outputs(stacks.current(conn, "outputs-only"))
    assert deploy(conn, "outputs-only", template).status == "NO_CHANGES"


def test_a_change_set_that_ran_already_is_refused_naming_its_status(conn: Connection) -> None:
    template: dict[str, Any] = {"Resources": {"Topic": TOPIC}}
    change_set, _ = stacks.plan(conn, "ran-already", None, template)
    cfn = conn.client("cloudformation")
    cfn.execute_change_set(StackName="ran-already", ChangeSetName=change_set.name)
    with pytest.raises(stacks.DeployError, match="is EXECUTE_COMPLETE: it ran already"):
        stacks.apply(conn, change_set, template, production=False)


def test_a_retried_execution_is_the_same_execution(conn: Connection) -> None:
    """A call retried after a lost answer (a timeout) carries the same token: AWS takes it
    for the execution that runs, not for a second one it would refuse."""
    template: dict[str, Any] = {"Resources": {"Topic": TOPIC}}
    change_set, _ = stacks.plan(conn, "retried", None, template)
    cfn = conn.client("cloudformation")
    lost: list[str] = []

    def lose_the_first_answer(**kwargs: Any) -> bool | None:
        if not lost:
            lost.append("answer lost")
            # the call reached CloudFormation; its answer is lost: botocore sends it again
            cfn.execute_change_set(
                StackName="retried",
                ChangeSetName=change_set.name,
                ClientRequestToken=change_set.token,
            )
        return None

    cfn.meta.events.register_first(
        "before-call.cloudformation.ExecuteChangeSet", lose_the_first_answer
    )
    try:
        outcome = stacks.apply(conn, change_set, template, production=False)
    finally:
        cfn.meta.events.unregister(
            "before-call.cloudformation.ExecuteChangeSet", lose_the_first_answer
        )
    assert outcome.ok and outcome.status == "CREATE_COMPLETE"
