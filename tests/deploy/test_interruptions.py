"""A deploy, rollback or destroy stopped part-way, and the commands that come after it.

Protection of a stack (its stack policy, and termination protection in production) is set
by calls beside ExecuteChangeSet, so an interruption between them can leave it missing or
lowered; any later `deploy`, `status` or `watch` repairs it.
Stack policies: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html
Termination protection: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from appstack.deploy.session import Connection
from cli_runner import run, write_config
from conftest import remove_stack
from deploy.policies import denied

REGION = "af-south-1"  # VPCs of its own: preflight counts the Region's VPCs


@pytest.fixture
def cfn(conn: Connection) -> Any:
    return conn.client("cloudformation")


@pytest.fixture
def config_file(tmp_path: Path, emulator_endpoint: str) -> str:
    return write_config(tmp_path, region=REGION)


@pytest.fixture
def stack(tmp_path: Path, cfn: Any) -> Iterator[str]:
    """A stack name of this test's own; the stack is deleted afterwards (VPCs are few)."""
    name = f"cut{tmp_path.name[-6:].replace('_', '')}-dev"
    yield name
    remove_stack(cfn, name)


@pytest.fixture
def interrupt_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Name a CloudFormation operation in the list: the command is interrupted (Ctrl-C) right
    after its next call of that operation returns."""
    after: list[str] = []
    original = Connection.client

    def client(self: Connection, service: str) -> Any:
        made = original(self, service)

        def stop(model: Any, **_: Any) -> None:
            if after and model.name == after[0]:
                after.pop(0)
                raise KeyboardInterrupt

        made.meta.events.register("after-call.cloudformation.*", stop, unique_id="interrupt")
        return made

    monkeypatch.setattr(Connection, "client", client)
    yield after


def deploy(stack: str, config_file: str, *extra: str) -> list[str]:
    return ["deploy", stack, "dev", "--yes", "--skip-validate", "-c", config_file, *extra]


def interrupted(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(argv, capsys)
    assert code == 130  # Ctrl-C


def test_a_create_interrupted_after_execute_is_left_without_its_policy_and_status_repairs_it(
    stack: str,
    config_file: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    interrupt_after.append("ExecuteChangeSet")
    interrupted(deploy(stack, config_file), capsys)
    assert denied(cfn, stack) == set()  # what the interruption left
    code, out, err = run(["status", stack, "-c", config_file], capsys)
    assert code == 0 and "CREATE_COMPLETE" in out
    assert "repaired" in err and "no stack policy" in err
    assert "Table" in denied(cfn, stack)


def test_a_no_change_deploy_repairs_a_missing_policy(
    stack: str,
    config_file: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    interrupt_after.append("ExecuteChangeSet")
    interrupted(deploy(stack, config_file), capsys)
    code, out, err = run(deploy(stack, config_file), capsys)
    assert code == 0 and "no changes" in out, err
    assert "Table" in denied(cfn, stack)


def test_watch_after_an_interrupted_create_repairs_the_policy(
    stack: str,
    config_file: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    interrupt_after.append("ExecuteChangeSet")
    interrupted(deploy(stack, config_file), capsys)
    code, out, err = run(["watch", stack, "-c", config_file], capsys)
    assert code == 0 and "CREATE_COMPLETE" in out, err
    assert "Table" in denied(cfn, stack)


def test_a_rollback_stopped_between_its_policy_and_its_change_set_is_repaired_by_the_next_deploy(
    stack: str,
    config_file: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(deploy(stack, config_file, "--phase", "2"), capsys)
    assert code == 0, err
    assert "DatabaseCluster" in denied(cfn, stack)
    interrupt_after.append("SetStackPolicy")
    rollback = ["rollback", stack, "dev", "--to-phase", "1", "--yes", "--skip-validate"]
    interrupted([*rollback, "-c", config_file], capsys)
    # Phase 2 is still deployed, under phase 1's policy: the database is open to deletion.
    assert "DatabaseCluster" not in denied(cfn, stack)
    code, out, err = run(deploy(stack, config_file, "--phase", "2"), capsys)
    assert code == 0 and "no changes" in out, err
    assert "DatabaseCluster" in denied(cfn, stack)
    assert "stack policy left" in err and "DatabaseCluster" in err


def test_a_production_create_interrupted_after_execute_is_protected_from_termination(
    tmp_path: Path,
    emulator_endpoint: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_file = write_config(tmp_path, region=REGION)
    name = f"cut{tmp_path.name[-6:].replace('_', '')}-prod"
    interrupt_after.append("ExecuteChangeSet")
    try:
        interrupted(["deploy", name, "prod", "--yes", "--skip-validate", "-c", config_file], capsys)
        run(["status", name, "-c", config_file], capsys)
        assert cfn.describe_stacks(StackName=name)["Stacks"][0]["EnableTerminationProtection"]
    finally:
        remove_stack(cfn, name)


def test_ctrl_c_at_the_confirmation_of_a_first_deploy_leaves_no_stack(
    stack: str,
    config_file: str,
    cfn: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from appstack import render

    def ctrl_c(*_: Any, **__: Any) -> bool:
        raise click.exceptions.Abort()  # what click.confirm raises on Ctrl-C

    monkeypatch.setattr(render, "is_interactive", lambda: True)
    monkeypatch.setattr(click, "confirm", ctrl_c)
    argv = ["deploy", stack, "dev", "--skip-validate", "-c", config_file]
    code, _, _ = run(argv, capsys)
    assert code == 130
    code, out, err = run(["status", stack, "-c", config_file], capsys)
    assert (code == 2 and "does not exist" in err) or "DELETE_COMPLETE" in out


def test_an_empty_review_left_by_an_earlier_deploy_is_cleared_by_the_next(
    stack: str, config_file: str, cfn: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="appstack-1-abcdef",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}),
    )
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
    code, out, err = run(["watch", stack, "-c", config_file], capsys)
    assert code == 1 and "REVIEW_IN_PROGRESS" in err  # and it returns
    code, out, err = run(deploy(stack, config_file), capsys)
    assert code == 0, out + err
    assert "CREATE_COMPLETE" in out and "REVIEW_IN_PROGRESS" in err


def test_an_empty_review_of_another_tool_is_left_alone(
    stack: str, config_file: str, cfn: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from appstack.deploy import stacks

    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="someone-else",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}),
    )
    assert not stacks.clear_abandoned_review(cfn, stacks.describe(cfn, stack))
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"


def test_watch_on_a_stack_that_does_not_exist_is_an_error(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["watch", "never-deployed", "-c", config_file], capsys)
    assert code == 2 and "does not exist" in err  # one answer in every command
    assert "DELETE_COMPLETE" not in out


def test_status_leaves_the_policy_of_a_stack_appstack_did_not_deploy_alone(
    config_file: str, cfn: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    template = {"Description": "another tool's", "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    cfn.create_stack(StackName="not-appstacks", TemplateBody=json.dumps(template))
    try:
        code, _, err = run(["status", "not-appstacks", "-c", config_file], capsys)
        assert code == 0 and "repaired" not in err
        assert "StackPolicyBody" not in cfn.get_stack_policy(StackName="not-appstacks")
    finally:
        remove_stack(cfn, "not-appstacks")


def test_a_production_rollback_stopped_while_lifting_deletion_protection_says_what_to_do(
    tmp_path: Path,
    emulator_endpoint: str,
    cfn: Any,
    interrupt_after: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_file = write_config(tmp_path, region=REGION)
    name = f"cut{tmp_path.name[-6:].replace('_', '')}-prod"
    flags = ["--yes", "--skip-validate", "-c", config_file]
    try:
        code, _, err = run(["deploy", name, "prod", "--phase", "2", *flags], capsys)
        assert code == 0, err
        interrupt_after.append("ExecuteChangeSet")  # the update that lifts the protection
        code, _, err = run(["rollback", name, "prod", "--to-phase", "1", *flags], capsys)
        assert code == 130
        assert "nothing was removed" in err and "run the same command again" in err
        assert "DatabaseCluster" in denied(cfn, name)  # still guarded by the stack policy
    finally:
        remove_stack(cfn, name)
