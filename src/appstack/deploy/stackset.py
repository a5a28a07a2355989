"""The account baseline on many accounts and Regions: one CloudFormation StackSet, whose
stack instances CloudFormation deploys, as many at a time as the operation preferences say.

Two permission models (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html):

- SELF_MANAGED, to a list of accounts: this (administration) account holds the role
  `AWSCloudFormationStackSetAdministrationRole`, and each target account the role
  `AWSCloudFormationStackSetExecutionRole` that trusts it
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html);
- SERVICE_MANAGED, to organizational units, through AWS Organizations with trusted access
  for StackSets activated; accounts that join an OU later get the baseline automatically
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html).

Every operation is followed to its end; each stack instance's status (and its reason) is
handed to the caller as it changes, and the instances' drift is read the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from appstack.blueprint import baseline as blueprint
from appstack.config import BaselineSettings
from appstack.deploy import changesets
from appstack.deploy.session import Connection
from appstack.deploy.stacks import DeployError
from appstack.deploy.waiting import poll
from appstack.errors import UsageError

ADMINISTRATION_ROLE = "AWSCloudFormationStackSetAdministrationRole"
EXECUTION_ROLE = "AWSCloudFormationStackSetExecutionRole"
#: The AWS-provided templates of the two roles (self-managed permissions guide above).
ROLE_TEMPLATES = "https://s3.amazonaws.com/cloudformation-stackset-sample-templates-us-east-1/"
#: The service principal of StackSets' trusted access in AWS Organizations.
TRUSTED_SERVICE = "member.org.stacksets.cloudformation.amazonaws.com"
#: Operation states that are still going on.
RUNNING = frozenset({"RUNNING", "QUEUED", "STOPPING"})


@dataclass(frozen=True)
class Targets:
    """Where the StackSet deploys: accounts (self-managed) or organizational units
    (service-managed), in Regions."""

    accounts: tuple[str, ...]
    units: tuple[str, ...]
    regions: tuple[str, ...]
    permission_model: str

    def deployment(self) -> dict[str, Any]:
        """The Accounts or DeploymentTargets argument of CreateStackInstances."""
        if self.permission_model == "SERVICE_MANAGED":
            return {"DeploymentTargets": {"OrganizationalUnitIds": list(self.units)}}
        return {"Accounts": list(self.accounts)}


def targets(
    settings: BaselineSettings,
    accounts: tuple[str, ...],
    regions: tuple[str, ...],
    units: tuple[str, ...],
    default_region: str,
) -> Targets | None:
    """The StackSet's targets from the options, else from `baseline:`; None when neither
    names an account or an organizational unit (the baseline is then one stack here)."""
    accounts = accounts or settings.accounts
    units = units or settings.organizational_units
    if not accounts and not units:
        if regions:
            raise UsageError(
                "--regions deploys the baseline as a StackSet: name the accounts too "
                "(--accounts, or baseline.accounts), or organizational units (--ou)"
            )
        return None
    model = settings.permission_model or ("SERVICE_MANAGED" if units else "SELF_MANAGED")
    if model == "SELF_MANAGED" and not accounts:
        raise UsageError(
            "a self-managed StackSet deploys to accounts: pass --accounts (or set "
            "baseline.accounts), or use organizational units with "
            "baseline.permission_model: SERVICE_MANAGED"
        )
    if model == "SERVICE_MANAGED" and not units:
        raise UsageError(
            "a service-managed StackSet deploys to organizational units: pass --ou (or set "
            "baseline.organizational_units)"
        )
    return Targets(
        tuple(accounts),
        tuple(units),
        tuple(regions or settings.regions or (default_region,)),
        model,
    )


@dataclass(frozen=True)
class Instance:
    """One stack instance: where, its status, why, and its drift."""

    account: str
    region: str
    status: str  # CURRENT | OUTDATED | INOPERABLE
    detailed: str  # PENDING | RUNNING | SUCCEEDED | FAILED | CANCELLED | INOPERABLE ...
    reason: str = ""
    drift: str = "NOT_CHECKED"  # DRIFTED | IN_SYNC | UNKNOWN | NOT_CHECKED

    @property
    def ok(self) -> bool:
        return self.status == "CURRENT" and self.detailed == "SUCCEEDED"

    @property
    def where(self) -> str:
        return f"{self.account}/{self.region}"


@dataclass(frozen=True)
class Rollout:
    """What a StackSet operation did: its status, and every stack instance."""

    stack_set: str
    status: str
    instances: tuple[Instance, ...]

    @property
    def ok(self) -> bool:
        return self.status in ("SUCCEEDED", "NO_CHANGES") and all(i.ok for i in self.instances)

    @property
    def failed(self) -> list[Instance]:
        return [i for i in self.instances if not i.ok]


OnInstance = Callable[[Instance], None]


def deploy(
    conn: Connection,
    settings: BaselineSettings,
    goal: Targets,
    on_instance: OnInstance | None = None,
) -> Rollout:
    """Create or update the StackSet, then create the stack instances it lacks, following
    each operation to its end."""
    check_permissions(conn, goal)
    cfn = conn.client("cloudformation")
    name = settings.stack_name
    template, _ = conn.prepare(blueprint.to_dict(settings))
    body = changesets.compact(template)
    preferences = settings.operation.as_api()
    status = "NO_CHANGES"
    found = describe(cfn, name)
    if found is None:
        cfn.create_stack_set(StackSetName=name, TemplateBody=body, **_permissions(conn, goal))
    elif found.get("TemplateBody") != body:
        operation = cfn.update_stack_set(
            StackSetName=name,
            TemplateBody=body,
            Capabilities=changesets.CAPABILITIES,
            OperationPreferences=preferences,
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance)
    have = {(i.account, i.region) for i in instances(cfn, name)}
    wanted = {(a, r) for a in goal.accounts for r in goal.regions}
    if goal.permission_model == "SERVICE_MANAGED" or wanted - have:
        operation = cfn.create_stack_instances(
            StackSetName=name,
            Regions=list(goal.regions),
            OperationPreferences=preferences,
            **goal.deployment(),
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance)
    return Rollout(name, status, tuple(instances(cfn, name)))


def _permissions(conn: Connection, goal: Targets) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "Capabilities": changesets.CAPABILITIES,
        "PermissionModel": goal.permission_model,
        "Description": "appstack account baseline: AWS Config recorder, CloudTrail trail",
    }
    if goal.permission_model == "SERVICE_MANAGED":
        # Accounts that join an OU later get the baseline; one that leaves keeps its stack
        # (its recording and trail do not stop because it moved).
        arguments["AutoDeployment"] = {"Enabled": True, "RetainStacksOnAccountRemoval": True}
    else:
        account = conn.client("sts").get_caller_identity()["Account"]
        arguments["AdministrationRoleARN"] = f"arn:aws:iam::{account}:role/{ADMINISTRATION_ROLE}"
        arguments["ExecutionRoleName"] = EXECUTION_ROLE
    return arguments


def check_permissions(conn: Connection, goal: Targets) -> None:
    """Refuse, before anything changes, a StackSet whose permissions are not in place in
    this (administration) account: its role (self-managed), or trusted access through AWS
    Organizations (service-managed)."""
    if goal.permission_model == "SELF_MANAGED":
        try:
            conn.client("iam").get_role(RoleName=ADMINISTRATION_ROLE)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchEntity":
                raise
            raise DeployError(
                f"this account has no {ADMINISTRATION_ROLE}, which a self-managed StackSet "
                f"needs; deploy {ROLE_TEMPLATES}{ADMINISTRATION_ROLE}.yml here, and "
                f"{ROLE_TEMPLATES}{EXECUTION_ROLE}.yml in each target account; nothing was "
                "changed"
            ) from exc
        return
    enabled = conn.client("organizations").list_aws_service_access_for_organization()
    principals = {s["ServicePrincipal"] for s in enabled.get("EnabledServicePrincipals", [])}
    if TRUSTED_SERVICE not in principals:
        raise DeployError(
            "trusted access for CloudFormation StackSets is not activated in AWS "
            "Organizations, which a service-managed StackSet needs: activate it (CloudFormation "
            "console, StackSets, 'Activate trusted access'); nothing was changed"
        )


def describe(cfn: Any, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = cfn.describe_stack_set(StackSetName=name)["StackSet"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("StackSetNotFoundException",):
            return None
        raise
    return None if found.get("Status") == "DELETED" else found


def instances(cfn: Any, name: str) -> list[Instance]:
    """Every stack instance of the StackSet, from every page."""
    found = []
    for page in cfn.get_paginator("list_stack_instances").paginate(StackSetName=name):
        for summary in page.get("Summaries", []):
            detail = summary.get("StackInstanceStatus", {})
            found.append(
                Instance(
                    summary["Account"],
                    summary["Region"],
                    summary.get("Status", ""),
                    detail.get("DetailedStatus", ""),
                    summary.get("StatusReason", ""),
                    summary.get("DriftStatus", "NOT_CHECKED"),
                )
            )
    return sorted(found, key=lambda i: (i.region, i.account))


def follow(cfn: Any, name: str, operation: str, on_instance: OnInstance | None = None) -> str:
    """Wait for a StackSet operation to end, handing each stack instance to `on_instance`
    whenever its status changes; the operation's final status."""
    seen: dict[tuple[str, str], Instance] = {}

    def check() -> str | None:
        found = cfn.describe_stack_set_operation(StackSetName=name, OperationId=operation)
        for instance in instances(cfn, name):
            key = (instance.account, instance.region)
            if seen.get(key) != instance:
                seen[key] = instance
                if on_instance:
                    on_instance(instance)
        state = str(found["StackSetOperation"]["Status"])
        return None if state in RUNNING else state

    final = poll(check)
    assert final is not None
    return final


def detect_drift(
    conn: Connection, settings: BaselineSettings, on_instance: OnInstance | None = None
) -> Rollout:
    """Run drift detection on every stack instance; each instance with its drift."""
    cfn = conn.client("cloudformation")
    name = settings.stack_name
    operation = cfn.detect_stack_set_drift(StackSetName=name)["OperationId"]
    status = follow(cfn, name, operation, on_instance)
    return Rollout(name, status, tuple(instances(cfn, name)))


def destroy(
    conn: Connection, settings: BaselineSettings, on_instance: OnInstance | None = None
) -> Rollout:
    """Delete every stack instance (their buckets and keys stay: DeletionPolicy Retain),
    then the StackSet."""
    cfn = conn.client("cloudformation")
    name = settings.stack_name
    found = describe(cfn, name)
    if found is None:
        raise UsageError(f"there is no StackSet {name} in {conn.region}")
    have = instances(cfn, name)
    status = "SUCCEEDED"
    if have:
        targets_of: dict[str, Any] = (
            {
                "DeploymentTargets": {
                    "OrganizationalUnitIds": list(found.get("OrganizationalUnitIds", []))
                }
            }
            if found.get("PermissionModel") == "SERVICE_MANAGED"
            else {"Accounts": sorted({i.account for i in have})}
        )
        operation = cfn.delete_stack_instances(
            StackSetName=name,
            Regions=sorted({i.region for i in have}),
            RetainStacks=False,
            OperationPreferences=settings.operation.as_api(),
            **targets_of,
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance)
    left = tuple(instances(cfn, name))
    if not left:
        cfn.delete_stack_set(StackSetName=name)
    return Rollout(name, status, left)
