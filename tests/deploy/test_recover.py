"""deploy/recover.py: what `recover` does for each stack state. The stuck states end to end
on the emulator are in tests/cli/commands/test_recover.py."""

from __future__ import annotations

from typing import Any

import pytest

from appstack.deploy import recover


class NoCalls:
    """A CloudFormation client no call may reach: a stack that is not stuck is judged from
    its status alone."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} called for a stack that is not stuck")


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("UPDATE_IN_PROGRESS", "appstack watch app-dev"),
        ("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "appstack watch app-dev"),
        ("DELETE_FAILED", "appstack destroy app-dev"),
        ("ROLLBACK_FAILED", "appstack destroy app-dev"),
        ("CREATE_COMPLETE", "not stuck"),
        ("UPDATE_COMPLETE", "not stuck"),
        ("UPDATE_ROLLBACK_COMPLETE", "not stuck"),
    ],
)
def test_a_stack_that_is_not_stuck_gets_the_command_that_fits(status: str, says: str) -> None:
    chosen = recover.plan(NoCalls(), {"StackName": "app-dev", "StackStatus": status})
    assert chosen.action == recover.NOTHING
    assert says in chosen.advice


def test_only_resources_that_hold_no_data_are_skipped() -> None:
    chosen = recover.Plan(
        "app-dev",
        "UPDATE_ROLLBACK_FAILED",
        recover.CONTINUE,
        "",
        stuck=[
            recover.Stuck("Queue", "AWS::SQS::Queue", "gone", holds_data=False),
            recover.Stuck("Table", "AWS::DynamoDB::Table", "gone", holds_data=True),
        ],
    )
    assert chosen.skip == ["Queue"]
    assert [s.logical_id for s in chosen.kept_stuck] == ["Table"]


def test_a_continued_rollback_never_names_a_stateful_resource_to_skip() -> None:
    calls: list[dict[str, Any]] = []

    class Recording:
        def continue_update_rollback(self, **kw: Any) -> None:
            calls.append(kw)
            raise RuntimeError("stop here")

    chosen = recover.Plan(
        "app-dev", "UPDATE_ROLLBACK_FAILED", recover.CONTINUE, "",
        stuck=[recover.Stuck("Table", "AWS::DynamoDB::Table", "gone", holds_data=True)],
    )  # fmt: skip
    with pytest.raises(RuntimeError):
        recover.run(Recording(), chosen)
    assert "ResourcesToSkip" not in calls[0]


def test_declining_the_skip_retries_every_resource() -> None:
    chosen = recover.Plan(
        "app-dev", "UPDATE_ROLLBACK_FAILED", recover.CONTINUE, "",
        stuck=[recover.Stuck("Queue", "AWS::SQS::Queue", "gone", holds_data=False)],
        skipping=False,
    )  # fmt: skip
    assert chosen.skippable == ["Queue"] and chosen.skip == []
