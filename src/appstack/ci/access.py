"""The CI access stack of one environment: GitHub's OIDC provider and two roles its
workflow runs assume with a web identity token, no stored keys.

- `PlanRole`, for pull requests: reads the stack and makes (and deletes) change sets on it,
  what `appstack plan` calls; trusted for `repo:OWNER/NAME:pull_request` only.
- `DeployRole`, for the merge: what `appstack deploy` calls on this environment's stack
  alone, iam:PassRole on the roles its templates create (named after the stack), the
  account's template bucket; and the services the environment's templates use only
  through CloudFormation (`aws:CalledVia`), which creates the resources with the caller's
  credentials. Trusted for pushes to the branch (`repo:OWNER/NAME:ref:refs/heads/BRANCH`),
  or for a production environment, for jobs of the GitHub environment of that name
  (`repo:OWNER/NAME:environment:ENV`), which required reviewers guard.

https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from troposphere import Equals, If, Output, Parameter, Ref, Sub, Template
from troposphere.iam import ManagedPolicy, OIDCProvider, Policy, Role

from appstack.ci.workflow import role_name
from appstack.config import Target
from appstack.errors import UsageError

ISSUER = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")

#: What `appstack plan` calls (docs/iam/deploy-policy.json, the plan's part).
PLAN_ACTIONS = [
    "cloudformation:CreateChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
    "cloudformation:GetTemplate",
    "cloudformation:GetStackPolicy",
]
#: What `appstack deploy` calls on its stack besides (docs/iam/deploy-policy.json).
DEPLOY_ACTIONS = [
    *PLAN_ACTIONS,
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DescribeStackEvents",
    "cloudformation:SetStackPolicy",
    "cloudformation:UpdateTerminationProtection",
    "cloudformation:DetectStackDrift",
    "cloudformation:DescribeStackResourceDrifts",
]
#: The account's template bucket, for templates over 51,200 bytes (deploy/template_bucket.py).
TEMPLATE_BUCKET_ACTIONS = [
    "s3:CreateBucket",
    "s3:ListBucket",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutObject",
    "s3:GetObject",
]
#: Read-only calls of preflight, and of drift's status, that take no resource ARN.
READS = [
    "ec2:DescribeVpcs",
    "ec2:DescribeAddresses",
    "servicequotas:GetServiceQuota",
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigRules",
    "acm:DescribeCertificate",
    "cloudformation:DescribeStackDriftDetectionStatus",
]


def check_repository(repository: str, branch: str) -> None:
    if not _REPOSITORY.match(repository):
        raise UsageError(f"--repository {repository!r} is not OWNER/NAME; write it like acme/shop")
    if not _BRANCH.match(branch) or ".." in branch:
        raise UsageError(f"--branch {branch!r} is not a branch name; write it like main")


def resource_types(templates: Iterable[dict[str, Any]]) -> list[str]:
    """Every resource type of `templates`."""
    return sorted({r["Type"] for t in templates for r in t.get("Resources", {}).values()})


def handler_actions(types: Iterable[str]) -> list[str]:
    """What CloudFormation calls, with the caller's credentials, to create, read, update and
    delete resources of `types`: the `handlers` permissions of each type's registry schema
    (as cfn-lint ships them), reads folded into `Describe*`, `Get*` and `List*` per service.
    A name IAM does not know (a schema may list an API's name, s3:DeleteBucketLifecycle, for
    the IAM action s3:PutLifecycleConfiguration) grants nothing, and is left out.
    https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html
    """
    schemas = resources.files("cfnlint.data.schemas")
    index = json.loads(schemas.joinpath("providers", "us-east-1.json").read_text())
    actions = set()
    for type_name in types:
        schema = json.loads(schemas.joinpath("resources", f"{index[type_name]}.json").read_text())
        for handler in ("create", "read", "update", "delete"):
            for action in schema.get("handlers", {}).get(handler, {}).get("permissions", []):
                service, name = action.split(":", 1)
                read = _READ.match(name)
                actions.add(f"{service.lower()}:{read.group(1)}*" if read else action)
    return sorted(a for a in actions if _known(a))


def _known(action: str) -> bool:
    """Whether IAM has the action (for a wildcard, one it matches), by cfn-lint's IAM data."""
    service, name = action.lower().split(":", 1)
    known = _iam_actions().get(service, ())
    return any(fnmatch.fnmatchcase(a, name) for a in known)


@functools.cache
def _iam_actions() -> dict[str, tuple[str, ...]]:
    specs = resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json")
    data = json.loads(specs.read_text())
    return {service: tuple(entry.get("Actions", ())) for service, entry in data.items()}


_READ = re.compile(r"^(Describe|Get|List)")
#: IAM's limit on a managed policy's size (characters, without white space).
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MANAGED_POLICY_CHARACTERS = 6144


def chunks(actions: list[str], budget: int = MANAGED_POLICY_CHARACTERS - 1000) -> list[list[str]]:
    """`actions` in groups that each fit one managed policy (a margin for the rest of it)."""
    groups: list[list[str]] = [[]]
    used = 0
    for action in actions:
        size = len(action) + 3  # its quotes and comma
        if used + size > budget and groups[-1]:
            groups.append([])
            used = 0
        groups[-1].append(action)
        used += size
    return groups


def _trust(provider: Any, subject: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{ISSUER}:aud": AUDIENCE, f"{ISSUER}:sub": subject}
                },
            }
        ],
    }


def _statement(sid: str, actions: list[str], resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource, **extra}


#: Only calls CloudFormation makes with the caller's credentials, while it runs a change set.
_VIA = {"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}


def deploy_policy(stack: str, iam_actions: list[str]) -> dict[str, Any]:
    """What the deploy role may do itself: the stack's calls, PassRole on its roles, the
    template bucket, and what CloudFormation does to the stack's own roles."""
    stack_arn = Sub(f"arn:${{AWS::Partition}}:cloudformation:*:${{AWS::AccountId}}:stack/{stack}/*")
    roles = [
        Sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{stack}-*"),
        # A service creates its service-linked role on first use (ECS, load balancing, ...).
        Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*"),
    ]
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement("Stack", DEPLOY_ACTIONS, stack_arn),
            _statement("Reads", READS, "*"),
            _statement("PassTheStacksRoles", ["iam:PassRole"], roles[0]),
            _statement(
                "TemplateBucket",
                TEMPLATE_BUCKET_ACTIONS,
                [
                    Sub("arn:${AWS::Partition}:s3:::appstack-templates-${AWS::AccountId}-*"),
                    Sub("arn:${AWS::Partition}:s3:::appstack-templates-${AWS::AccountId}-*/*"),
                ],
            ),
            _statement("StacksRolesThroughCloudFormation", iam_actions, roles, Condition=_VIA),
        ],
    }


def resource_policy(actions: list[str]) -> dict[str, Any]:
    """Part of what CloudFormation calls on the stack's resources, through it only."""
    return {
        "Version": "2012-10-17",
        "Statement": [_statement("ThroughCloudFormation", actions, "*", Condition=_VIA)],
    }


def plan_policy(stack: str) -> dict[str, Any]:
    stack_arn = Sub(f"arn:${{AWS::Partition}}:cloudformation:*:${{AWS::AccountId}}:stack/{stack}/*")
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement("Stack", PLAN_ACTIONS, stack_arn),
            _statement("Reads", READS, "*"),
        ],
    }


def subjects(target: Target, repository: str, branch: str) -> tuple[str, str]:
    """The OIDC `sub` the plan role and the deploy role trust."""
    deploy = (
        f"repo:{repository}:environment:{target.env_name}"
        if target.is_production
        else f"repo:{repository}:ref:refs/heads/{branch}"
    )
    return f"repo:{repository}:pull_request", deploy


def stack_name(target: Target) -> str:
    """The access stack of an environment: beside its stack, not matched by the deploy
    role's `stack/<stack>/*`, so that role cannot change its own permissions."""
    return f"{target.stack_name}-ci"


def for_environment(
    target: Target, repository: str, branch: str, existing_provider: str = ""
) -> dict[str, Any]:
    """The access stack of `target`'s environment, for every phase it can be built at."""
    from appstack import blueprint, config
    from appstack.phases import PHASES

    built = [
        blueprint.to_dict(blueprint.build(config.resolve(target.app, target.env_name, phase)))
        for phase in PHASES
        if not config.needs_vpn_address(target.env, phase)
    ]
    return build(target, repository, branch, resource_types(built), existing_provider)


def build(
    target: Target, repository: str, branch: str, types: list[str], existing_provider: str = ""
) -> dict[str, Any]:
    """The access stack of `target`'s environment for `repository` at `branch`; `types`
    are the resource types of the environment's templates."""
    check_repository(repository, branch)
    stack = target.stack_name
    template = Template(Description=f"appstack: CI access of {stack} for {repository} ({branch})")
    existing = template.add_parameter(
        Parameter(
            "ExistingProviderArn",
            Type="String",
            Default=existing_provider,
            Description="The account's OIDC provider for GitHub, if it has one (one per account)",
        )
    )
    template.add_condition("CreateProvider", Equals(Ref(existing), ""))
    template.add_resource(
        OIDCProvider(
            "GitHubProvider",
            Condition="CreateProvider",
            Url=f"https://{ISSUER}",
            ClientIdList=[AUDIENCE],
        )
    )
    provider = If("CreateProvider", Ref("GitHubProvider"), Ref(existing))
    plan_subject, deploy_subject = subjects(target, repository, branch)
    actions = handler_actions(types)
    iam = [a for a in actions if a.startswith("iam:")]
    roles = {}
    for purpose, subject, policy in (
        ("plan", plan_subject, plan_policy(stack)),
        ("deploy", deploy_subject, deploy_policy(stack, iam)),
    ):
        roles[purpose] = template.add_resource(
            Role(
                f"{purpose.title()}Role",
                RoleName=role_name(stack, purpose),
                AssumeRolePolicyDocument=_trust(provider, subject),
                MaxSessionDuration=3600,
                Policies=[Policy(PolicyName=purpose, PolicyDocument=policy)],
            )
        )
        template.add_output(
            Output(f"{purpose.title()}RoleArn", Value=roles[purpose].get_att("Arn"))
        )
    for number, part in enumerate(chunks([a for a in actions if a not in iam]), start=1):
        template.add_resource(
            ManagedPolicy(
                f"ResourcesThroughCloudFormation{number}",
                Roles=[Ref(roles["deploy"])],
                PolicyDocument=resource_policy(part),
            )
        )
    result: dict[str, Any] = template.to_dict()
    return result
