"""`appstack ci github` writes the workflow; `appstack ci bootstrap ENV` deploys the CI access
stack through the deploy engine, into the environment's account (on the emulator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from account_clients import client_in
from cli_runner import run
from test_cli_json import matches_schema

REGION = "us-east-1"
ACCOUNT = "666666666666"  # an account of its own: its IAM and stacks meet no other test's
ROLE = f"arn:aws:iam::{ACCOUNT}:role/appstack-admin"


@pytest.fixture
def config_file(tmp_path: Path) -> str:
    path = tmp_path / "appstack.yaml"
    path.write_text(
        f"application_name: cishop\nregion: {REGION}\n"
        f"environments:\n  dev:\n    account: '{ACCOUNT}'\n    role_arn: {ROLE}\n"
    )
    return str(path)


def iam() -> Any:
    return client_in(ROLE, "iam", REGION)


def test_ci_github_writes_the_workflow_where_asked(
    config_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "appstack.yml"
    argv = ["ci", "github", "-c", config_file, "--out", str(out), "--output", "json"]
    code, printed, err = run(argv, capsys)
    assert code == 0, err
    answer = json.loads(printed)
    matches_schema(answer, "ci-github")
    assert answer == {"path": str(out), "production": ["prod"]}
    assert set(yaml.safe_load(out.read_text())["jobs"]) == {
        f"{kind}-{env}" for kind in ("plan", "deploy") for env in ("dev", "staging", "prod")
    }


def test_ci_github_names_what_to_set_up_for_production(
    config_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ci", "github", "-c", config_file, "--out", str(tmp_path / "w.yml")]
    code, _, err = run(argv, capsys)
    assert code == 0 and "'prod' required reviewers" in err


def test_ci_bootstrap_deploys_the_roles_into_the_environments_account(
    config_file: str, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The access template passes validation in tests/ci/test_access.py; here it is deployed.
    argv = ["ci", "bootstrap", "dev", "--repository", "acme/shop", "--yes", "--skip-validate"]
    argv += ["-c", config_file]
    code, out, err = run([*argv, "--output", "json"], capsys)
    assert code == 0, out + err
    answer = json.loads(out)
    matches_schema(answer, "ci-bootstrap")
    assert answer["stack"] == "cishop-dev-ci" and answer["status"] == "CREATE_COMPLETE"
    role = iam().get_role(RoleName="appstack-ci-cishop-dev-deploy")["Role"]
    assert role["Arn"] == answer["outputs"]["DeployRoleArn"]
    trust = role["AssumeRolePolicyDocument"]
    [statement] = trust["Statement"]
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == (
        "repo:acme/shop:ref:refs/heads/main"
    )
    providers = iam().list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert [p["Arn"] for p in providers] == [statement["Principal"]["Federated"]]
    code, out, err = run(argv, capsys)
    assert code == 0 and "no changes" in out, out + err
