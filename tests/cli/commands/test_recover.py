"""`appstack recover` on the emulator: each of the three stuck states ends in a state `deploy`
accepts, and a resource that holds data is never skipped.

The stuck states are made as AWS makes them (tests/emulator/_rollback_failed.py; EM430-EM432,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html;
a failed first creation, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appstack.deploy import stacks
from cli_runner import run
from emulator._lifecycle import client, deploy, status, topic, unique
from emulator._rollback_failed import restore_table, stuck_on_queue, stuck_on_table
from test_cli_json import matches_schema

REGION = "ap-south-2"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "appstack.yaml"
    path.write_text(f"application_name: recovery\nregion: {REGION}\n")
    return str(path)


def recover(
    stack: str, config: str, capsys: pytest.CaptureFixture[str], code: int = 0, *flags: str
) -> dict[str, Any]:
    argv = ["recover", stack, "--yes", *flags, "-c", config, "--output", "json"]
    got, out, err = run(argv, capsys)
    assert got == code, out + err
    answer: dict[str, Any] = json.loads(out)
    matches_schema(answer, "recover")  # docs/schemas/recover.json
    return answer


def deploy_accepts(cfn: Any, stack: str) -> None:
    """The deploy engine takes the stack as it is, and so does CloudFormation."""
    stacks.check_deployable(stacks.describe(cfn, stack))
    template = {"Resources": {"Topic": topic()}}
    assert deploy(cfn, stack, template) in ("CREATE_COMPLETE", "UPDATE_COMPLETE")


def skipped_during_rollback(cfn: Any, stack: str) -> list[str]:
    return [
        e["LogicalResourceId"]
        for e in cfn.describe_stack_events(StackName=stack)["StackEvents"]
        if "skipped during continue update rollback" in (e.get("ResourceStatusReason") or "")
    ]


def test_a_rollback_stuck_on_a_resource_without_data_is_continued_skipping_it(
    cfn: Any, emulator_endpoint: str, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique("queue")
    assert stuck_on_queue(cfn, emulator_endpoint, stack) == "UPDATE_ROLLBACK_FAILED"
    answer = recover(stack, config, capsys)
    assert answer["action"] == "continue-rollback" and answer["skipped"] == ["Queue"]
    assert any("NonExistentQueue" in reason for reason in answer["reasons"])
    assert answer["status"] == "UPDATE_ROLLBACK_COMPLETE"
    deploy_accepts(cfn, stack)


def test_a_rollback_stuck_on_a_table_never_skips_it_and_goes_on_once_it_is_restored(
    cfn: Any, emulator_endpoint: str, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique("table")
    assert stuck_on_table(cfn, emulator_endpoint, stack) == "UPDATE_ROLLBACK_FAILED"
    answer = recover(stack, config, capsys, code=1)
    assert answer["skipped"] == [] and answer["not_skipped"] == ["Table"]
    assert status(cfn, stack) == "UPDATE_ROLLBACK_FAILED"
    assert skipped_during_rollback(cfn, stack) == []
    restore_table(cfn, emulator_endpoint, stack)  # the owner's fix
    answer = recover(stack, config, capsys)
    assert answer["status"] == "UPDATE_ROLLBACK_COMPLETE"
    assert skipped_during_rollback(cfn, stack) == []
    deploy_accepts(cfn, stack)


def test_a_failed_first_creation_is_deleted_after_showing_what_it_kept(
    cfn: Any, emulator_endpoint: str, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, name = unique("create"), unique("vault")
    client("backup", emulator_endpoint, REGION).create_backup_vault(BackupVaultName=name)
    kept = {**topic(), "DeletionPolicy": "Retain"}
    vault = {"Type": "AWS::Backup::BackupVault", "DependsOn": "Kept",
             "Properties": {"BackupVaultName": name}}  # fmt: skip
    assert deploy(cfn, stack, {"Resources": {"Kept": kept, "Vault": vault}}) == (
        "ROLLBACK_COMPLETE"
    )
    answer = recover(stack, config, capsys)
    assert answer["action"] == "delete" and answer["status"] == "DELETE_COMPLETE"
    assert [r.split(" ")[0] for r in answer["retained"]] == ["Kept"]
    assert any("AlreadyExists" in reason for reason in answer["reasons"])
    assert stacks.describe(cfn, stack) is None
    deploy_accepts(cfn, stack)


def test_a_review_that_never_ran_is_deleted(
    cfn: Any, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique("review")
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="another-tool",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps({"Resources": {"Topic": topic()}}),
    )
    assert status(cfn, stack) == "REVIEW_IN_PROGRESS"
    answer = recover(stack, config, capsys)
    assert answer["action"] == "delete" and answer["status"] == "DELETE_COMPLETE"
    deploy_accepts(cfn, stack)


@pytest.mark.parametrize(
    ("stuck", "code", "says", "stays"),
    [
        (False, 0, "not stuck", "CREATE_COMPLETE"),  # a healthy stack: nothing to do
        (True, 1, "pass --yes", "UPDATE_ROLLBACK_FAILED"),  # no terminal to confirm on
    ],
    ids=["healthy", "unconfirmed"],
)
def test_a_recover_that_changes_nothing_leaves_the_stack_as_it_was(
    cfn: Any,
    emulator_endpoint: str,
    config: str,
    capsys: pytest.CaptureFixture[str],
    stuck: bool,
    code: int,
    says: str,
    stays: str,
) -> None:
    stack = unique("alone")
    if stuck:
        stuck_on_queue(cfn, emulator_endpoint, stack)
    else:
        deploy(cfn, stack, {"Resources": {"Topic": topic()}})
    got, out, err = run(["recover", stack, "-c", config], capsys)
    assert got == code and says in out + err
    assert status(cfn, stack) == stays


def test_with_no_skip_nothing_is_skipped_and_the_stack_stays_stuck(
    cfn: Any, emulator_endpoint: str, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique("noskip")
    stuck_on_queue(cfn, emulator_endpoint, stack)
    assert recover(stack, config, capsys, 1, "--no-skip")["skipped"] == []
    assert (status(cfn, stack), skipped_during_rollback(cfn, stack)) == (
        "UPDATE_ROLLBACK_FAILED",
        [],
    )
