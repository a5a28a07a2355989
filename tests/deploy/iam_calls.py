"""What the least-privilege policies of docs/iam/ are tested with: the IAM actions of the calls
a command makes (recorded on the client side, with botocore's `before-parameter-build` event),
and the actions a policy grants.

Each operation maps to its IAM action as the Service Authorization Reference lists it
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

POLICIES = Path(__file__).parents[2] / "docs" / "iam"

#: Operations whose IAM action has another name; None: no permission is needed.
IAM_ACTION: dict[tuple[str, str], str | None] = {
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    # "No permissions are required to perform this operation."
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    ("sts", "GetCallerIdentity"): None,
}


def _passes_role(params: dict[str, Any]) -> set[str]:
    return {"iam:PassRole"} if "AdministrationRoleARN" in params else set()


def _delegated(params: dict[str, Any]) -> set[str]:
    # "Make sure your delegated administrators have organizations:ListDelegatedAdministrators
    # permissions" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
    return (
        {"organizations:ListDelegatedAdministrators"}
        if params.get("CallAs") == "DELEGATED_ADMIN"
        else set()
    )


def _reads_template(params: dict[str, Any]) -> set[str]:
    return {"s3:GetObject"} if "TemplateURL" in params else set()


#: Needs a call has that the client cannot see, by (service, operation): CloudFormation reads
#: a TemplateURL with the caller's credentials; a self-managed StackSet passes its
#: administration role (iam:PassRole,
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html).
IMPLIED: dict[tuple[str, str], Callable[[dict[str, Any]], set[str]]] = {
    ("cloudformation", "CreateChangeSet"): _reads_template,
    ("cloudformation", "CreateStackSet"): _passes_role,
    ("cloudformation", "UpdateStackSet"): _passes_role,
    ("cloudformation", "DescribeOrganizationsAccess"): _delegated,
}

#: Actions whose Resource must be "*": the Service Authorization Reference lists no resource
#: type for them (its Actions tables, e.g.
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html,
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html,
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
NO_RESOURCE_TYPE = frozenset(
    {
        "ecr:GetAuthorizationToken",
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:CreateStackSet",
        "ecs:DescribeTaskDefinition",
        "logs:DescribeLogGroups",
        "ec2:DescribeVpcs",
        "ec2:DescribeAddresses",
        "servicequotas:GetServiceQuota",
        "cloudtrail:DescribeTrails",
        "config:DescribeConfigRules",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:ListDelegatedAdministrators",
        "cloudformation:DescribeOrganizationsAccess",
    }
)


def appstack(*argv: str) -> None:
    """appstack ARGV in process, as a shell runs it; it must succeed."""
    from appstack.cli import main

    try:
        main(list(argv))
    except SystemExit as exc:
        assert not exc.code, argv


def statements(policy: str) -> list[dict[str, Any]]:
    """The statements of docs/iam/`policy`, each an Allow."""
    found: list[dict[str, Any]] = json.loads((POLICIES / policy).read_text())["Statement"]
    assert all(s["Effect"] == "Allow" for s in found)
    return found


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def granted(policy: str) -> list[str]:
    """Every action docs/iam/`policy` allows (as written: no wildcards, tested below)."""
    return [a for s in statements(policy) for a in _listed(s["Action"])]


def missing(policy: str, made: Iterable[str]) -> set[str]:
    """The actions of `made` that `policy` does not allow."""
    allowed = granted(policy)
    return {a for a in made if not any(fnmatch.fnmatchcase(a, g) for g in allowed)}


def unused(policy: str, made: Iterable[str]) -> set[str]:
    """The actions `policy` allows that no call of `made` needs; an action with a wildcard
    counts too (the policies name each action)."""
    needed = set(made)
    return {
        g for g in granted(policy) if "*" in g or not any(fnmatch.fnmatchcase(a, g) for a in needed)
    }


def on_every_resource(policy: str) -> set[str]:
    """The actions `policy` allows on Resource "*" though their service takes an ARN."""
    return {
        action
        for s in statements(policy)
        if "*" in _listed(s["Resource"])
        for action in _listed(s["Action"])
        if action not in NO_RESOURCE_TYPE
    }


def _resources(service: str, params: dict[str, Any], where: str) -> list[str]:
    """The ARNs a call names, where its parameters name them (`where`: region:account)."""
    account = where.split(":")[1]
    if service == "secretsmanager" and "SecretId" in params:
        return [params["SecretId"]]
    if service == "ecr" and "repositoryName" in params:
        return [f"arn:aws:ecr:{where}:repository/{params['repositoryName']}"]
    if service == "ecs" and ("service" in params or "services" in params):
        names = params.get("services") or [params["service"]]
        return [f"arn:aws:ecs:{where}:service/{params['cluster']}/{n}" for n in names]
    if service == "logs" and "logGroupName" in params:
        return [f"arn:aws:logs:{where}:log-group:{params['logGroupName']}"]
    if service == "logs" and "logGroupIdentifiers" in params:
        return list(params["logGroupIdentifiers"])
    if service == "cloudtrail" and "Name" in params:
        name = params["Name"]
        return [name if name.startswith("arn:") else f"arn:aws:cloudtrail:{where}:trail/{name}"]
    if service == "iam" and "RoleName" in params:
        return [f"arn:aws:iam::{account}:role/{params['RoleName']}"]
    if service == "cloudformation" and "StackSetName" in params:
        return [f"arn:aws:cloudformation:{where}:stackset/{params['StackSetName']}:*"]
    return []


def refused(policy: str, named: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (action, ARN) pairs of `named` that no statement of `policy` allows on that ARN."""
    allowing = [(_listed(s["Action"]), _listed(s["Resource"])) for s in statements(policy)]
    return {
        (action, arn)
        for action, arn in named
        if not any(
            action in actions and any(fnmatch.fnmatchcase(arn, r) for r in resources)
            for actions, resources in allowing
        )
    }


@dataclass
class Recorder:
    """The IAM actions of the calls made through a Connection's clients, by the name of the
    command under way (`as_command`); calls outside `as_command` are the test's own."""

    made: dict[str, set[str]] = field(default_factory=dict)
    #: (action, ARN) of each call whose parameters name its resource.
    named: set[tuple[str, str]] = field(default_factory=set)
    command: str | None = None

    def attach(self, conn: Any, services: Iterable[str]) -> None:
        where = f"{conn.region}:{conn.account}"
        for service in services:
            conn.client(service).meta.events.register(
                "before-parameter-build.*.*",
                lambda model, params, **_: self._record(model, params, where),
            )

    def _record(self, model: Any, params: dict[str, Any], where: str) -> None:
        if self.command is None:
            return
        service = model.service_model.signing_name
        action = IAM_ACTION.get((service, model.name), f"{service}:{model.name}")
        made = self.made.setdefault(self.command, set())
        if action:
            made.add(action)
            self.named |= {(action, arn) for arn in _resources(service, params, where)}
        implied = IMPLIED.get((service, model.name))
        if implied:
            made |= implied(params)

    @contextmanager
    def as_command(self, name: str) -> Iterator[set[str]]:
        """Record the calls made inside as command `name`'s (the set they go in)."""
        self.command = name
        try:
            yield self.made.setdefault(name, set())
        finally:
            self.command = None

    def all(self) -> set[str]:
        return set().union(*self.made.values())
