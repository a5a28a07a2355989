"""The CI access stack `appstack ci bootstrap` deploys: GitHub's OIDC provider and two roles,
trusted for this repository only (the plan role for its pull requests, the deploy role for
its branch, or production's GitHub environment), allowed only what appstack's calls need on
the environment's own stack; it passes cfn-lint, appstack's rules and checkov.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from appstack import config
from appstack.checks import validate
from appstack.ci import access
from appstack.errors import UsageError

APP = config.parse({"application_name": "shop"})


@cache
def template(env: str) -> dict[str, Any]:
    return access.for_environment(config.resolve(APP, env), "acme/shop", "main")


def statements(env: str, role: str) -> dict[str, dict[str, Any]]:
    [policy] = template(env)["Resources"][role]["Properties"]["Policies"]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def trusted_subject(env: str, role: str) -> str:
    trust = template(env)["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]
    [statement] = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    condition = statement["Condition"]["StringEquals"]
    assert condition["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    subject: str = condition["token.actions.githubusercontent.com:sub"]
    return subject


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_access_stack_passes_cfn_lint_the_rules_and_checkov(env: str) -> None:
    report = validate.validate(config.resolve(APP, env), template(env))
    assert report.findings == []


def test_the_provider_is_githubs_and_is_made_only_where_the_account_has_none() -> None:
    provider = template("dev")["Resources"]["GitHubProvider"]
    assert provider["Properties"] == {
        "Url": "https://token.actions.githubusercontent.com",
        "ClientIdList": ["sts.amazonaws.com"],
    }
    assert provider["Condition"] == "CreateProvider"
    existing = access.for_environment(
        config.resolve(APP, "dev"), "acme/shop", "main", "arn:aws:iam::1:oidc-provider/x"
    )
    assert (
        existing["Parameters"]["ExistingProviderArn"]["Default"] == "arn:aws:iam::1:oidc-provider/x"
    )


def test_pull_requests_of_the_repository_may_plan_and_its_branch_may_deploy() -> None:
    assert trusted_subject("dev", "PlanRole") == "repo:acme/shop:pull_request"
    assert trusted_subject("dev", "DeployRole") == "repo:acme/shop:ref:refs/heads/main"


def test_production_deploys_only_from_its_github_environment() -> None:
    assert trusted_subject("prod", "DeployRole") == "repo:acme/shop:environment:prod"


def test_the_roles_act_on_the_environments_stack_alone() -> None:
    arn = {"Fn::Sub": "arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/shop-dev/*"}
    assert statements("dev", "DeployRole")["Stack"]["Resource"] == arn
    assert statements("dev", "PlanRole")["Stack"]["Resource"] == arn
    plan_actions = set(statements("dev", "PlanRole")["Stack"]["Action"])
    assert "cloudformation:ExecuteChangeSet" not in plan_actions
    assert "cloudformation:CreateChangeSet" in plan_actions


def test_the_deploy_role_passes_only_the_roles_the_stack_creates() -> None:
    passing = statements("dev", "DeployRole")["PassTheStacksRoles"]
    assert passing["Action"] == ["iam:PassRole"]
    assert passing["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shop-dev-*"
    }
    # Its own name is outside that pattern: it cannot pass, or change, itself.
    role_name = template("dev")["Resources"]["DeployRole"]["Properties"]["RoleName"]
    assert role_name == "appstack-ci-shop-dev-deploy" and not role_name.startswith("shop-dev-")


def test_the_deploy_role_reaches_the_template_bucket_of_its_account_only() -> None:
    bucket = statements("dev", "DeployRole")["TemplateBucket"]
    assert bucket["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::appstack-templates-${AWS::AccountId}-*"},
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::appstack-templates-${AWS::AccountId}-*/*"},
    ]


def test_resources_are_changed_only_through_cloudformation_with_named_actions() -> None:
    resources = template("dev")["Resources"]
    policies = [r for r in resources.values() if r["Type"] == "AWS::IAM::ManagedPolicy"]
    assert policies
    actions = set()
    for policy in policies:
        document = policy["Properties"]["PolicyDocument"]
        assert len(json.dumps(document, separators=(",", ":"))) <= access.MANAGED_POLICY_CHARACTERS
        [statement] = document["Statement"]
        assert statement["Condition"] == {
            "ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}
        }
        assert not [a for a in statement["Action"] if a == "*" or a.endswith(":*")]
        actions |= set(statement["Action"])
    assert {"dynamodb:CreateTable", "ec2:CreateVpc", "rds:CreateDBCluster"} <= actions
    # The cache comes at phase 3, which dev cannot be built at without a VPN address.
    assert not [a for a in actions if a.startswith("elasticache:")]


def test_an_action_iam_does_not_know_is_left_out() -> None:
    actions = access.handler_actions(["AWS::S3::Bucket"])
    assert "s3:CreateBucket" in actions
    assert "s3:DeleteBucketLifecycle" not in actions  # an API name, not an IAM action


def test_a_repository_is_owner_and_name() -> None:
    with pytest.raises(UsageError, match="OWNER/NAME"):
        access.build(config.resolve(APP, "dev"), "shop", "main", [])
    with pytest.raises(UsageError, match="branch"):
        access.build(config.resolve(APP, "dev"), "acme/shop", "a..b", [])
