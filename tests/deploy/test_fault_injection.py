"""Fault injection: `deploy` and `rollback` stopped right after each CloudFormation call in
turn (SIGKILL, and SIGINT where the stack changes), then one `appstack deploy` of the phase
that was intended: the stack ends at that phase, at rest, under the stack policy its template
needs (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html),
with the item written at phase 1 still in the table.

Calls before CreateChangeSet only read, so one stop among them stands for all. Dev settings
(the emulator has no termination protection yet; the production case is in
test_interruptions.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from cli_runner import run
from conftest import remove_stack
from deploy.policies import denied

REGION = "sa-east-1"
STOPPING_CLI = str(Path(__file__).with_name("stopping_cli.py"))
NOT_REACHED = 3
#: Where SIGINT is also tried: the calls after which the stack (or its policy) has changed.
CHANGING = ("CreateChangeSet", "SetStackPolicy", "ExecuteChangeSet")


@pytest.fixture
def config_file(tmp_path: Path, conn: Connection) -> str:
    path = tmp_path / "appstack.yaml"
    path.write_text(f"application_name: faults\nregion: {REGION}\n")
    return str(path)


def stopped(n: int, signal_name: str, argv: list[str]) -> tuple[int, list[str]]:
    """Run the CLI in a process of its own, stopped after its nth CloudFormation call;
    its exit code and the calls it made."""
    done = subprocess.run(
        [sys.executable, STOPPING_CLI, str(n), signal_name, *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    calls = [line for line in done.stderr.splitlines() if line.startswith("calls:")]
    return done.returncode, (calls[0].split()[1:] if calls else [])


def stop_points(calls: list[str]) -> list[tuple[int, str]]:
    """(call number, signal): one stop among the first reads, then SIGKILL and SIGINT after
    each call that changes the stack or its policy, and SIGKILL after the last call. Between
    two changing calls the stack is the same, so a stop there is a stop after the first."""
    points = [(1, "SIGKILL")]
    for n, call in enumerate(calls, start=1):
        if call in CHANGING:
            points += [(n, "SIGKILL"), (n, "SIGINT")]
    return [*points, (len(calls), "SIGKILL")]


def assert_settled(conn: Connection, stack: str, phase: int, item: dict[str, Any], at: str) -> None:
    found = stacks.current(conn, stack)
    assert found is not None, at
    assert found["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), at
    assert stacks.deployed_phase(conn.client("cloudformation"), found) == phase, at
    must = {"Table"} | ({"DatabaseCluster"} if phase >= 2 else set())
    assert must <= denied(conn.client("cloudformation"), stack), at
    table = stacks.outputs(found)["TableName"]
    assert "Item" in conn.client("dynamodb").get_item(TableName=table, Key=item), at


@pytest.fixture
def stack(conn: Connection) -> Iterator[str]:
    yield "faults-dev"
    remove_stack(conn.client("cloudformation"), "faults-dev")


def fresh(
    conn: Connection, stack: str, phase: int, flags: list[str], capsys: Any
) -> dict[str, Any]:
    """The stack created anew at `phase`, with an item in its table; the item's key."""
    remove_stack(conn.client("cloudformation"), stack)
    code, _, err = run(["deploy", stack, "dev", "--phase", str(phase), *flags], capsys)
    assert code == 0, err
    item = {"pk": {"S": "kept"}, "sk": {"S": "1"}}
    table = stacks.outputs(stacks.current(conn, stack))["TableName"]
    conn.client("dynamodb").put_item(TableName=table, Item=item)
    return item


@pytest.mark.parametrize(
    ("command", "start", "intended"),
    [(["deploy", "--phase", "2"], 1, 2), (["rollback", "--to-phase", "1"], 2, 1)],
    ids=["deploy-1-to-2", "rollback-2-to-1"],
)
def test_a_phase_change_stopped_at_any_call_is_finished_by_one_deploy(
    command: list[str],
    start: int,
    intended: int,
    stack: str,
    config_file: str,
    conn: Connection,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flags = ["--yes", "--skip-validate", "-c", config_file]
    argv = [command[0], stack, "dev", *command[1:], *flags]
    fresh(conn, stack, start, flags, capsys)
    code, calls = stopped(10_000, "SIGKILL", argv)  # uninterrupted: the calls it makes
    assert code == NOT_REACHED
    for n, signal_name in stop_points(calls):
        at = f"{command[0]} stopped by {signal_name} after call {n} ({calls[n - 1]})"
        item = fresh(conn, stack, start, flags, capsys)
        code, _ = stopped(n, signal_name, argv)
        assert code != NOT_REACHED, at
        code, _, err = run(["deploy", stack, "dev", "--phase", str(intended), *flags], capsys)
        assert code == 0, f"{at}: {err}"
        assert_settled(conn, stack, intended, item, at)


def test_a_first_deploy_stopped_at_any_change_is_finished_by_one_deploy(
    stack: str, config_file: str, conn: Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--yes", "--skip-validate", "-c", config_file]
    create = ["deploy", stack, "dev", "--phase", "1", *flags]
    for signal_name, after in (
        ("SIGKILL", "CreateChangeSet"),
        ("SIGKILL", "ExecuteChangeSet"),
        ("SIGINT", "ExecuteChangeSet"),
    ):
        code, calls = stopped(10_000, "SIGKILL", create)
        assert code == NOT_REACHED
        remove_stack(conn.client("cloudformation"), stack)
        n = calls.index(after) + 1
        at = f"first deploy stopped by {signal_name} after {after}"
        stopped(n, signal_name, create)
        code, _, err = run(create, capsys)
        assert code == 0, f"{at}: {err}"
        found = stacks.current(conn, stack)
        assert found is not None and found["StackStatus"] == "CREATE_COMPLETE", at
        assert "Table" in denied(conn.client("cloudformation"), stack), at
        remove_stack(conn.client("cloudformation"), stack)


def test_a_rollback_killed_under_the_lower_policy_is_undone_by_deploying_the_phase_again(
    stack: str, config_file: str, conn: Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed after SetStackPolicy and before ExecuteChangeSet: phase 2 is deployed under
    phase 1's policy. Deploying phase 2 changes nothing, and must protect the database."""
    flags = ["--yes", "--skip-validate", "-c", config_file]
    down = ["rollback", stack, "dev", "--to-phase", "1", *flags]
    fresh(conn, stack, 2, flags, capsys)
    code, calls = stopped(10_000, "SIGKILL", down)  # uninterrupted: the calls it makes
    assert code == NOT_REACHED
    item = fresh(conn, stack, 2, flags, capsys)
    code, _ = stopped(calls.index("SetStackPolicy") + 1, "SIGKILL", down)
    assert code == -9
    assert "DatabaseCluster" not in denied(conn.client("cloudformation"), stack)
    code, out, err = run(["deploy", stack, "dev", "--phase", "2", *flags], capsys)
    assert code == 0 and "no changes" in out, err
    assert_settled(conn, stack, 2, item, "rollback killed after SetStackPolicy, phase 2 again")


def test_a_first_production_deploy_killed_after_execute_is_protected_by_the_next_deploy(
    config_file: str, conn: Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--yes", "--skip-validate", "-c", config_file]
    create = ["deploy", "faults-prod", "prod", "--phase", "1", *flags]
    cfn = conn.client("cloudformation")
    try:
        code, calls = stopped(10_000, "SIGKILL", create)
        assert code == NOT_REACHED
        remove_stack(cfn, "faults-prod")
        stopped(calls.index("ExecuteChangeSet") + 1, "SIGKILL", create)
        code, out, err = run(create, capsys)
        assert code == 0, out + err
        found = cfn.describe_stacks(StackName="faults-prod")["Stacks"][0]
        assert found["EnableTerminationProtection"]
        assert "Table" in denied(cfn, "faults-prod")
    finally:
        remove_stack(cfn, "faults-prod")
