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
  An OU stands for its member accounts and those of the OUs below it, never the management
  account (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
  It is run from the management account (CallAs SELF) or from a member account registered as
  a delegated administrator for StackSets (CallAs DELEGATED_ADMIN; the StackSet still lives
  in the management account:
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
  appstack never activates trusted access itself: it is a change to the whole organization
  that only the management account makes; without it, the deploy stops and says how.

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
#: The service principal of StackSets' trusted access (and delegated administrators) in AWS
#: Organizations.
TRUSTED_SERVICE = "member.org.stacksets.cloudformation.amazonaws.com"
#: How trusted access is activated, from the management account
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ActivateOrganizationsAccess.html).
ACTIVATE = "aws cloudformation activate-organizations-access"
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
    #: SELF (this account administers) or DELEGATED_ADMIN (service-managed only).
    call_as: str = "SELF"

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
    if model == "SELF_MANAGED" and settings.call_as == "DELEGATED_ADMIN":
        raise UsageError(
            "baseline.call_as: DELEGATED_ADMIN is for a service-managed StackSet: deploy to "
            "organizational units (--ou), or remove baseline.call_as"
        )
    return Targets(
        tuple(accounts),
        tuple(units),
        tuple(regions or settings.regions or (default_region,)),
        model,
        settings.call_as,
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
    #: The OU it was deployed through (service-managed); "" for a self-managed instance.
    unit: str = ""

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
    name, call_as = settings.stack_name, goal.call_as
    template, _ = conn.prepare(blueprint.to_dict(settings))
    body = changesets.compact(template)
    preferences = settings.operation.as_api()
    status = "NO_CHANGES"
    found = describe(cfn, name, call_as)
    if found is None:
        cfn.create_stack_set(
            StackSetName=name, TemplateBody=body, CallAs=call_as, **_permissions(conn, goal)
        )
    elif found.get("TemplateBody") != body:
        operation = cfn.update_stack_set(
            StackSetName=name,
            TemplateBody=body,
            Capabilities=changesets.CAPABILITIES,
            OperationPreferences=preferences,
            CallAs=call_as,
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance, call_as)
    if _missing(goal, instances(cfn, name, call_as)):
        operation = cfn.create_stack_instances(
            StackSetName=name,
            Regions=list(goal.regions),
            OperationPreferences=preferences,
            CallAs=call_as,
            **goal.deployment(),
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance, call_as)
    return Rollout(name, status, tuple(instances(cfn, name, call_as)))


def _missing(goal: Targets, have: list[Instance]) -> bool:
    """Whether an account (self-managed) or an OU (service-managed) lacks its instance in a
    Region; accounts that join a deployed OU later get theirs through AutoDeployment."""
    if goal.permission_model == "SERVICE_MANAGED":
        done = {(i.unit, i.region) for i in have}
        return any((u, r) not in done for u in goal.units for r in goal.regions)
    done = {(i.account, i.region) for i in have}
    return any((a, r) not in done for a in goal.accounts for r in goal.regions)


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
        arguments["AdministrationRoleARN"] = (
            f"arn:aws:iam::{conn.account}:role/{ADMINISTRATION_ROLE}"
        )
        arguments["ExecutionRoleName"] = EXECUTION_ROLE
    return arguments


def check_permissions(conn: Connection, goal: Targets) -> None:
    """Refuse, before anything changes, a StackSet whose permissions are not in place in
    this (administration) account: its role (self-managed), or trusted access through AWS
    Organizations, asked of CloudFormation as the management account or a delegated
    administrator (service-managed)."""
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
    cfn = conn.client("cloudformation")
    try:
        status = cfn.describe_organizations_access(CallAs=goal.call_as)["Status"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ValidationError":
            raise
        raise DeployError(_not_an_administrator(goal.call_as, str(exc))) from exc
    if status != "ENABLED":
        raise DeployError(
            f"trusted access for CloudFormation StackSets is {status} in AWS Organizations, "
            "which a service-managed StackSet needs: in the management account, run "
            f"`{ACTIVATE}` (or choose 'Activate trusted access' on the CloudFormation "
            "console's StackSets page); nothing was changed"
        )


def _not_an_administrator(call_as: str, why: str) -> str:
    if call_as == "DELEGATED_ADMIN":
        return (
            f"this account is not a delegated administrator for StackSets ({why}); in the "
            "management account, run `aws organizations register-delegated-administrator "
            f"--service-principal {TRUSTED_SERVICE} --account-id <this account>`, or deploy "
            "from the management account without baseline.call_as; nothing was changed"
        )
    return (
        f"a service-managed StackSet is run from the organization's management account ({why}); "
        "deploy from there, or from a delegated administrator for StackSets with "
        "`baseline.call_as: DELEGATED_ADMIN`; nothing was changed"
    )


def describe(cfn: Any, name: str, call_as: str = "SELF") -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = cfn.describe_stack_set(StackSetName=name, CallAs=call_as)[
            "StackSet"
        ]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("StackSetNotFoundException",):
            return None
        raise
    return None if found.get("Status") == "DELETED" else found


def instances(cfn: Any, name: str, call_as: str = "SELF") -> list[Instance]:
    """Every stack instance of the StackSet, from every page."""
    found = []
    pages = cfn.get_paginator("list_stack_instances").paginate(StackSetName=name, CallAs=call_as)
    for page in pages:
        for summary in page.get("Summaries", []):
            detail = summary.get("StackInstanceStatus", {})
            found.append(
                Instance(
                    account=summary["Account"],
                    region=summary["Region"],
                    status=summary.get("Status", ""),
                    detailed=detail.get("DetailedStatus", ""),
                    reason=summary.get("StatusReason", ""),
                    drift=summary.get("DriftStatus", "NOT_CHECKED"),
                    unit=summary.get("OrganizationalUnitId", ""),
                )
            )
    return sorted(found, key=lambda i: (i.region, i.account))


def follow(
    cfn: Any,
    name: str,
    operation: str,
    on_instance: OnInstance | None = None,
    call_as: str = "SELF",
) -> str:
    """Wait for a StackSet operation to end, handing each stack instance to `on_instance`
    whenever its status changes; the operation's final status."""
    seen: dict[tuple[str, str], Instance] = {}

    def check() -> str | None:
        found = cfn.describe_stack_set_operation(
            StackSetName=name, OperationId=operation, CallAs=call_as
        )
        for instance in instances(cfn, name, call_as):
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
    name, call_as = settings.stack_name, settings.call_as
    operation = cfn.detect_stack_set_drift(StackSetName=name, CallAs=call_as)["OperationId"]
    status = follow(cfn, name, operation, on_instance, call_as)
    return Rollout(name, status, tuple(instances(cfn, name, call_as)))


def destroy(
    conn: Connection, settings: BaselineSettings, on_instance: OnInstance | None = None
) -> Rollout:
    """Delete every stack instance (their buckets and keys stay: DeletionPolicy Retain),
    then the StackSet. A service-managed StackSet's instances are deleted by the OUs they
    were deployed through (DeleteStackInstances takes OUs, not accounts:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStackInstances.html)."""
    cfn = conn.client("cloudformation")
    name, call_as = settings.stack_name, settings.call_as
    found = describe(cfn, name, call_as)
    if found is None:
        raise UsageError(f"there is no StackSet {name} in {conn.region}")
    have = instances(cfn, name, call_as)
    status = "SUCCEEDED"
    if have:
        units = {i.unit for i in have if i.unit} | set(found.get("OrganizationalUnitIds", []))
        targets_of: dict[str, Any] = (
            {"DeploymentTargets": {"OrganizationalUnitIds": sorted(units)}}
            if found.get("PermissionModel") == "SERVICE_MANAGED"
            else {"Accounts": sorted({i.account for i in have})}
        )
        operation = cfn.delete_stack_instances(
            StackSetName=name,
            Regions=sorted({i.region for i in have}),
            RetainStacks=False,
            OperationPreferences=settings.operation.as_api(),
            CallAs=call_as,
            **targets_of,
        )["OperationId"]
        status = follow(cfn, name, operation, on_instance, call_as)
    left = tuple(instances(cfn, name, call_as))
    if not left:
        cfn.delete_stack_set(StackSetName=name, CallAs=call_as)
    return Rollout(name, status, left)
