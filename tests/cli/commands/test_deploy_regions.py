"""`appstack deploy` of an environment in several Regions: each Region at once, one view;
when one fails its checks, none changes anything unless --continue-on-error.

The environment lives in an account of its own (its `role_arn`), so the Regions' quotas and
stacks meet no other test's, and both Regions have prices (us-east-1, eu-west-1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from account_clients import client_in
from cli_runner import run
from test_cli_json import matches_schema

ACCOUNT = "777777777777"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/appstack-deploy"
REGIONS = ("us-east-1", "eu-west-1")


def write(folder: Path, name: str = "appstack.yaml", app: str = "multi") -> str:
    path = folder / name
    path.write_text(
        f"application_name: {app}\n"
        f"environments:\n  dev:\n    account: '{ACCOUNT}'\n    role_arn: {ROLE}\n"
        f"    regions: [{', '.join(REGIONS)}]\n"
    )
    return str(path)


def stacks_in(region: str) -> dict[str, str]:
    cfn = client_in(ROLE, "cloudformation", region)
    return {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}


def deploy(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code, out, err = run(["deploy", *argv, "--yes", "--skip-validate", "--output", "json"], capsys)
    return code, json.loads(out) if out.strip() else None, err


def test_an_environment_in_two_regions_is_deployed_to_both_at_once(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, answer, err = deploy(["multi-both", "dev", "-c", write(tmp_path)], capsys)
    assert code == 0, err
    matches_schema(answer, "deploy")
    assert [(r["region"], r["status"], r["error"]) for r in answer["regions"]] == [
        (region, "CREATE_COMPLETE", None) for region in REGIONS
    ]
    for region in REGIONS:
        assert stacks_in(region)["multi-both"] == "CREATE_COMPLETE"
    assert answer["regions"][0]["outputs"]["TableArn"].startswith("arn:aws:dynamodb:us-east-1:")
    assert answer["regions"][1]["outputs"]["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:")


def test_a_region_that_fails_its_checks_stops_every_region_before_anything_changes(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Another application holds the stack name in eu-west-1 (preflight PF002 there).
    other = write(tmp_path, "other.yaml", app="billing")
    code, _, err = run(
        ["deploy", "multi-taken", "dev", "--yes", "--skip-validate", "--region", "eu-west-1",
         "-c", other], capsys,
    )  # fmt: skip
    assert code == 0, err
    code, answer, err = deploy(["multi-taken", "dev", "-c", write(tmp_path)], capsys)
    assert code == 1
    by_region = {r["region"]: r for r in answer["regions"]}
    assert "PF002" in err or "check(s) failed" in (by_region["eu-west-1"]["error"] or "")
    assert "eu-west-1 failed first, nothing was changed" in by_region["us-east-1"]["error"]
    assert "multi-taken" not in stacks_in("us-east-1")
    code, answer, err = deploy(
        ["multi-taken", "dev", "-c", write(tmp_path), "--continue-on-error"], capsys
    )
    assert code == 1 and "did not succeed in eu-west-1" in err
    assert stacks_in("us-east-1")["multi-taken"] == "CREATE_COMPLETE"


def test_without_a_terminal_a_deploy_in_several_regions_needs_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["deploy", "multi-ask", "dev", "-c", write(tmp_path)], capsys)
    assert code == 1 and "pass --yes" in err


def test_an_environment_in_one_region_of_its_own_is_deployed_there(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "appstack.yaml"
    path.write_text(
        "application_name: multi\nregion: us-east-1\n"
        f"environments:\n  dev:\n    account: '{ACCOUNT}'\n    role_arn: {ROLE}\n"
        "    regions: [eu-west-1]\n"
    )
    code, _, err = deploy(["multi-dev", "dev", "-c", str(path)], capsys)
    assert code == 0, err
    assert "multi-dev" in stacks_in("eu-west-1") and "multi-dev" not in stacks_in("us-east-1")
    # The environment's stack is looked for in its own Region, not the top-level one.
    code, out, err = run(["status", "multi-dev", "-c", str(path)], capsys)
    assert code == 0 and "CREATE_COMPLETE" in out, err


def test_timeout_reaches_the_deploy_in_every_region(
    tmp_path: Path,
    emulator_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from appstack.deploy import stacks, workflow

    asked: list[float | None] = []

    def stop_here(conn: Any, request: workflow.Request, interaction: Any) -> workflow.Result:
        asked.append(request.timeout)
        raise stacks.DeployError("stopped before anything changed")

    monkeypatch.setattr(workflow, "run", stop_here)
    code, _, err = deploy(["multi-wait", "dev", "-c", write(tmp_path), "--timeout", "42"], capsys)
    assert code == 1, err
    assert asked == [42, 42]
