"""`appstack drift STACK`, and the warning plan and deploy give once a detection found drift.

The stack lives in an account of its own (reached through the environment's `role_arn`), so
no other test's resources or quotas meet it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from account_clients import client_in
from cli_runner import run

REGION = "ap-east-2"
ACCOUNT = "333333333333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/appstack-deploy"


@pytest.fixture(scope="module")
def drifted(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """drift-dev deployed, then its log retention changed behind the stack's back."""
    from appstack.cli import main

    path = tmp_path_factory.mktemp("drift") / "appstack.yaml"
    path.write_text(
        f"application_name: drift\nregion: {REGION}\n"
        f"environments:\n  dev:\n    account: '{ACCOUNT}'\n    role_arn: {ROLE}\n"
    )
    try:
        main(["deploy", "drift-dev", "dev", "--yes", "--skip-validate", "-c", str(path)])
    except SystemExit as exc:
        assert not exc.code
    return str(path)


def client(service: str) -> Any:
    """A client in the environment's account."""
    return client_in(ROLE, service, REGION)


def app_log_group() -> str:
    found = client("cloudformation").describe_stack_resource(
        StackName="drift-dev", LogicalResourceId="AppLogGroup"
    )
    return str(found["StackResourceDetail"]["PhysicalResourceId"])


def test_a_stack_as_deployed_has_not_drifted_and_plan_says_nothing_of_drift(
    drifted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["drift", "drift-dev", "-c", drifted], capsys)
    assert code == 0, err
    assert "drift-dev: IN_SYNC" in out
    code, _, err = run(["plan", "drift-dev", "dev", "-c", drifted], capsys)
    assert code == 0 and "drifted" not in err


def test_drift_shows_the_property_changed_behind_the_stacks_back_and_plan_warns(
    drifted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client("logs").put_retention_policy(logGroupName=app_log_group(), retentionInDays=3)
    code, out, err = run(["drift", "drift-dev", "-c", drifted, "--output", "json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["status"] == "DRIFTED"
    [resource] = [r for r in answer["drifted"] if r["logical_id"] == "AppLogGroup"]
    assert resource["differences"] == [
        {"path": "/RetentionInDays", "expected": "14", "actual": "3", "kind": "NOT_EQUAL"}
    ]
    code, out, _ = run(["drift", "drift-dev", "-c", drifted], capsys)
    assert "AppLogGroup" in out and "/RetentionInDays" in out
    code, _, err = run(["plan", "drift-dev", "dev", "-c", drifted], capsys)
    assert code == 0
    assert "drift-dev has drifted" in err and "appstack drift drift-dev" in err


def test_drift_of_a_stack_that_is_not_deployed_is_one_line(
    drifted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["drift", "drift-none", "-c", drifted], capsys)
    assert code == 2 and "does not exist" in err
