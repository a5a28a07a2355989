"""The GitHub Actions workflow of an application: a plan on every pull request, posted as a
comment, and a deploy of each environment on merge, one after the other; production behind
the GitHub environment of its name, whose required reviewers approve the deploy.

Credentials come from GitHub's OIDC token (`permissions: id-token: write`) through
aws-actions/configure-aws-credentials, assuming the roles `appstack ci bootstrap` made
(`access.py`); no key is stored. Every value a job takes from the event goes through `env:`,
never into a `run:` script as an expression (script injection).
https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
https://github.com/aws-actions/configure-aws-credentials
"""

from __future__ import annotations

from typing import Any

import yaml

from appstack.config import AppConfig, resolve
from appstack.deploy.accounts import AMBIENT

PYTHON = "3.11"
CHECKOUT = "actions/checkout@v5"
SETUP_PYTHON = "actions/setup-python@v6"
CREDENTIALS = "aws-actions/configure-aws-credentials@v6"


def role_name(stack: str, purpose: str) -> str:
    """The name of a CI role (`plan` or `deploy`) of a stack; outside the `<stack>-*` names
    of the roles the stack's templates create, which the deploy role may pass."""
    return f"appstack-ci-{stack}-{purpose}"


def role_arn(app: AppConfig, env: str, purpose: str) -> str:
    account = app.environments[env].account or "${{ vars.AWS_ACCOUNT_ID }}"
    return f"arn:aws:iam::{account}:role/{role_name(app.stack_name(env), purpose)}"


def _setup(app: AppConfig, env: str, purpose: str, install: str) -> list[dict[str, Any]]:
    target = resolve(app, env)
    return [
        {"uses": CHECKOUT},
        {"uses": SETUP_PYTHON, "with": {"python-version": PYTHON}},
        {
            "name": "Install appstack",
            "run": 'pip install "$APPSTACK"',
            "env": {"APPSTACK": install},
        },
        {
            "uses": CREDENTIALS,
            "with": {
                "role-to-assume": role_arn(app, env, purpose),
                "aws-region": target.regions[0],
            },
        },
    ]


def _plan_job(app: AppConfig, env: str, install: str) -> dict[str, Any]:
    stack = app.stack_name(env)
    return {
        "name": f"plan {env}",
        "if": "github.event_name == 'pull_request'",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read", "id-token": "write", "pull-requests": "write"},
        "env": {AMBIENT: "true"},
        "steps": [
            *_setup(app, env, "plan", install),
            {
                "name": "Plan",
                "run": 'appstack plan "$STACK" "$ENVIRONMENT" --output markdown > plan.md',
                "env": {"STACK": stack, "ENVIRONMENT": env},
            },
            {
                "name": "Comment on the pull request",
                "run": 'gh pr comment "$PR" --body-file plan.md',
                "env": {
                    "GH_TOKEN": "${{ github.token }}",
                    "PR": "${{ github.event.pull_request.number }}",
                },
            },
        ],
    }


def _deploy_job(app: AppConfig, env: str, install: str, after: str | None) -> dict[str, Any]:
    job: dict[str, Any] = {
        "name": f"deploy {env}",
        "if": "github.event_name == 'push'",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": "read", "id-token": "write"},
        "env": {AMBIENT: "true"},
    }
    if after:
        job["needs"] = after
    if resolve(app, env).is_production:
        # Its required reviewers approve the job before it starts (repository settings).
        job["environment"] = env
    job["steps"] = [
        *_setup(app, env, "deploy", install),
        {
            "name": "Deploy",
            "run": 'appstack deploy "$STACK" "$ENVIRONMENT" --yes',
            "env": {"STACK": app.stack_name(env), "ENVIRONMENT": env},
        },
    ]
    return job


def github(app: AppConfig, branch: str, install: str) -> str:
    """The workflow file's text: plan jobs on pull requests to `branch`, deploy jobs on
    pushes to it, each environment after the one before it in the config."""
    jobs: dict[str, Any] = {f"plan-{env}": _plan_job(app, env, install) for env in app.environments}
    previous = None
    for env in app.environments:
        jobs[f"deploy-{env}"] = _deploy_job(app, env, install, previous)
        previous = f"deploy-{env}"
    document = {
        "name": "appstack",
        "on": {"pull_request": {"branches": [branch]}, "push": {"branches": [branch]}},
        "permissions": {"contents": "read"},
        # One run at a time per branch; a deploy that runs is never cancelled midway.
        "concurrency": {"group": "appstack-${{ github.ref }}", "cancel-in-progress": False},
        "jobs": jobs,
    }
    header = "# Written by `appstack ci github`; write it again after changing appstack.yaml.\n"
    return header + yaml.safe_dump(document, sort_keys=False, width=100)


def production_environments(app: AppConfig) -> list[str]:
    return [env for env in app.environments if resolve(app, env).is_production]
