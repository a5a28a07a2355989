"""`destroy` that fails: exit 1, the reason, what is left; no failure of an earlier attempt.

A deletion that cannot delete a resource ends in DELETE_FAILED with the resource still in
the stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html).
The emulator deletes whatever it is asked to, so CloudFormation is played by a stand-in here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from appstack.cli import options
from cli_runner import run

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def event(
    n: int, logical_id: str, status: str, reason: str = "", token: str = "earlier-attempt"
) -> dict[str, Any]:
    return {
        "ClientRequestToken": token,  # AWS stamps each event with its operation's token
        "EventId": f"e{n}",
        "Timestamp": START + timedelta(seconds=n),
        "LogicalResourceId": logical_id,
        "ResourceType": "AWS::S3::Bucket" if logical_id == "Logs" else "AWS::CloudFormation::Stack",
        "ResourceStatus": status,
        "ResourceStatusReason": reason,
    }


class Pages:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        return self.pages


class FailingDeletion:
    """A stack whose bucket cannot be deleted; an earlier attempt failed the same way."""

    def __init__(self) -> None:
        self.events = [
            event(1, "Logs", "DELETE_FAILED", "earlier attempt: bucket not empty"),
            event(2, "s", "DELETE_FAILED", "earlier attempt"),
        ]
        self.deleted = False

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        status = "DELETE_FAILED"
        return {"Stacks": [{"StackName": StackName, "StackStatus": status}]}

    def get_template(self, StackName: str) -> dict[str, Any]:
        return {"TemplateBody": {"Resources": {"Logs": {"Type": "AWS::S3::Bucket"}}}}

    def delete_stack(self, StackName: str, ClientRequestToken: str) -> None:
        self.deleted = True
        reason = "The following resource(s) failed to delete: [Logs]."
        self.events += [
            event(3, "Logs", "DELETE_FAILED", "The bucket you tried to delete is not empty",
                  ClientRequestToken),
            event(4, "s", "DELETE_FAILED", reason, ClientRequestToken),
        ]  # fmt: skip

    def get_paginator(self, name: str) -> Pages:
        if name == "describe_stack_events":
            return Pages([{"StackEvents": list(reversed(self.events))}])
        assert name == "list_stack_resources"
        reason = "The bucket you tried to delete is not empty"
        return Pages(
            [
                {
                    "StackResourceSummaries": [
                        {
                            "LogicalResourceId": "Logs",
                            "ResourceType": "AWS::S3::Bucket",
                            "ResourceStatus": "DELETE_FAILED",
                            "ResourceStatusReason": reason,
                        }
                    ]
                }
            ]
        )


class StandIn:
    def __init__(self) -> None:
        self.cfn = FailingDeletion()

    def client(self, service: str) -> FailingDeletion:
        return self.cfn


def test_a_failed_destroy_exits_1_with_the_reason_and_what_is_left(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = StandIn()
    monkeypatch.setattr(options, "connect", lambda *_: stand_in)
    code, out, err = run(["destroy", "s", "--yes"], capsys)
    assert stand_in.cfn.deleted
    assert code == 1
    assert "not empty" in err and "Still in the stack" in err and "Logs (AWS::S3::Bucket)" in err
    assert "deleted after a final snapshot" not in out + err
    assert "Kept in your account" not in out + err


def test_a_failed_destroy_does_not_show_the_failures_of_an_earlier_attempt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(options, "connect", lambda *_: StandIn())
    _, out, err = run(["destroy", "s", "--yes"], capsys)
    assert "earlier attempt" not in out + err
