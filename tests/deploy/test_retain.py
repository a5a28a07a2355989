"""Destroy past DELETE_FAILED: the stack goes, exactly the resources that failed to delete stay,
a resource that holds data only when named
(RetainResources: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html)."""

from __future__ import annotations

from typing import Any

import pytest

from appstack.deploy import retain, stacks
from appstack.deploy.session import Connection
from deploy.deploying import deploy, on_emulator

VPC_STACK = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    },
    "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
}


@pytest.fixture(scope="module")
def delete_failed(emulator_endpoint: str) -> tuple[Connection, str]:
    """A stack whose VPC cannot be deleted: a subnet was made in it outside the stack
    (EC2 answers DependencyViolation), so its delete ends DELETE_FAILED."""
    conn = on_emulator(emulator_endpoint, "ap-northeast-3")
    vpc = deploy(conn, "stuck", VPC_STACK).outputs["VpcId"]
    conn.client("ec2").create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")
    outcome = stacks.destroy(conn, "stuck")
    assert outcome.status == "DELETE_FAILED"
    return conn, vpc


def test_a_failed_destroy_names_the_resource_that_failed(
    delete_failed: tuple[Connection, str],
) -> None:
    conn, _ = delete_failed
    [failed] = retain.undeletable(conn.client("cloudformation"), "stuck")
    assert failed.logical_id == "Vpc" and "DependencyViolation" in failed.reason
    assert not failed.stateful


def test_destroying_again_retains_exactly_what_failed_and_deletes_the_stack(
    delete_failed: tuple[Connection, str],
) -> None:
    conn, vpc = delete_failed
    outcome = retain.destroy_retaining(conn, "stuck")
    assert outcome.status == "DELETE_COMPLETE" and outcome.ok
    assert [r.split(" ")[0] for r in outcome.retained] == ["Vpc"]
    assert conn.client("ec2").describe_vpcs(VpcIds=[vpc])["Vpcs"]  # kept in the account
    assert stacks.current(conn, "stuck") is None


class FailedTable:
    """A DELETE_FAILED stack whose table could not be deleted; DeleteStack must not be called."""

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        return {"Stacks": [{"StackName": "s", "StackId": "id", "StackStatus": "DELETE_FAILED"}]}

    def get_paginator(self, name: str) -> Any:
        summary = {
            "LogicalResourceId": "Table",
            "ResourceType": "AWS::DynamoDB::Table",
            "PhysicalResourceId": "myapp-dev-table",
            "ResourceStatus": "DELETE_FAILED",
            "ResourceStatusReason": "Resource is in use",
        }

        class Pages:
            def paginate(self, **_: Any) -> list[dict[str, Any]]:
                return [{"StackResourceSummaries": [summary]}]

        return Pages()

    def delete_stack(self, **_: Any) -> None:
        raise AssertionError("a table must not be retained without being named")


class Conn:
    def client(self, service: str) -> FailedTable:
        return FailedTable()


def test_a_resource_that_holds_data_is_never_retained_silently() -> None:
    with pytest.raises(retain.UnconfirmedStatefulRetain) as refused:
        retain.destroy_retaining(Conn(), "s")  # type: ignore[arg-type]
    assert "Table (AWS::DynamoDB::Table myapp-dev-table)" in str(refused.value)
    assert "appstack destroy s --retain Table" in str(refused.value)


def test_retaining_a_stack_that_did_not_fail_to_delete_is_refused(
    emulator_endpoint: str,
) -> None:
    conn = on_emulator(emulator_endpoint, "ap-northeast-3")
    deploy(conn, "not-stuck", {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    with pytest.raises(stacks.DeployError, match="is CREATE_COMPLETE, not DELETE_FAILED"):
        retain.destroy_retaining(conn, "not-stuck")


def test_appstack_destroy_gets_a_stack_past_delete_failed(
    emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from appstack.cli import main

    conn = on_emulator(emulator_endpoint, "ca-central-1")
    vpc = deploy(conn, "stuck-cli", VPC_STACK).outputs["VpcId"]
    conn.client("ec2").create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")
    assert stacks.destroy(conn, "stuck-cli").status == "DELETE_FAILED"
    try:
        main(["destroy", "stuck-cli", "--yes", "--region", "ca-central-1"])
    except SystemExit as ended:
        assert ended.code in (0, None)
    assert "Vpc (AWS::EC2::VPC" in capsys.readouterr().out
    assert stacks.current(conn, "stuck-cli") is None
