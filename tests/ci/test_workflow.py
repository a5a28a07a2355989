"""The GitHub Actions workflow `appstack ci github` writes: it passes actionlint, reaches AWS
through OIDC only, plans on pull requests and deploys on merge, production behind its GitHub
environment.
https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from appstack import config
from appstack.ci import workflow

ACTIONLINT = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")

TEAM = config.parse(
    {
        "application_name": "shop",
        "environments": {
            "dev": {"account": "111111111111"},
            "prod": {"account": "222222222222", "regions": ["eu-west-1", "us-east-1"]},
        },
    }
)


def written(app: config.AppConfig = TEAM, branch: str = "main") -> str:
    return workflow.github(app, branch, "appstack==0.1.0")


def jobs(text: str) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(text)["jobs"]
    return found


@pytest.mark.parametrize("app", [TEAM, config.parse({})], ids=["accounts", "defaults"])
def test_the_workflow_passes_actionlint(app: config.AppConfig, tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "appstack.yml"
    path.parent.mkdir(parents=True)
    path.write_text(written(app))
    result = subprocess.run(
        [ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_fails_actionlint(tmp_path: Path) -> None:
    """The check above can fail: actionlint refuses an unknown runner label in a job."""
    path = tmp_path / "broken.yml"
    path.write_text(written().replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-lastest]", 1))
    result = subprocess.run([ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True)
    assert result.returncode == 1


def test_every_job_reaches_aws_through_oidc_and_no_key_is_stored() -> None:
    text = written()
    assert "secrets." not in text and "aws-access-key-id" not in text
    for name, job in jobs(text).items():
        assert job["permissions"]["id-token"] == "write", name
        [credentials] = [s for s in job["steps"] if s.get("uses", "").startswith(
            "aws-actions/configure-aws-credentials@")]  # fmt: skip
        assert set(credentials["with"]) == {"role-to-assume", "aws-region"}, name


def test_a_pull_request_gets_the_plan_of_each_environment_as_a_comment() -> None:
    plan = jobs(written())["plan-prod"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert plan["permissions"]["pull-requests"] == "write"
    runs = [s.get("run", "") for s in plan["steps"]]
    assert 'appstack plan "$STACK" "$ENVIRONMENT" --output markdown > plan.md' in runs
    assert 'gh pr comment "$PR" --body-file plan.md' in runs
    credentials = plan["steps"][3]["with"]
    assert (
        credentials["role-to-assume"] == "arn:aws:iam::222222222222:role/appstack-ci-shop-prod-plan"
    )
    assert credentials["aws-region"] == "eu-west-1"


def test_a_merge_deploys_each_environment_in_turn_and_prod_behind_its_environment() -> None:
    found = jobs(written())
    dev, staging, prod = found["deploy-dev"], found["deploy-staging"], found["deploy-prod"]
    assert dev["if"] == "github.event_name == 'push'" and "needs" not in dev
    assert staging["needs"] == "deploy-dev" and prod["needs"] == "deploy-staging"
    assert prod["environment"] == "prod"
    assert "environment" not in dev and "environment" not in staging
    assert prod["steps"][-1]["run"] == 'appstack deploy "$STACK" "$ENVIRONMENT" --yes'


def test_the_jobs_use_the_credentials_they_assumed_not_a_profile() -> None:
    for name, job in jobs(written()).items():
        assert job["env"] == {"APPSTACK_AMBIENT_CREDENTIALS": "true"}, name


def test_an_environment_without_an_account_takes_it_from_a_repository_variable() -> None:
    plan = jobs(written(config.parse({})))["plan-dev"]
    role = plan["steps"][3]["with"]["role-to-assume"]
    assert role == "arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/appstack-ci-myapp-dev-plan"


def test_the_workflow_runs_for_the_branch_named() -> None:
    on = yaml.safe_load(written(branch="trunk"))["on"]
    assert on == {"pull_request": {"branches": ["trunk"]}, "push": {"branches": ["trunk"]}}
