"""Preflight: ask the target account, read-only, what would make a deploy fail.

Each check is a small declared unit, like appstack's template rules and the emulator's
fidelity rules: an id (`PF` and three digits), a one-line description, the fix it points
to, and a function `(context) -> problems` registered with `@check(...)`; each problem
becomes a finding of that check. `CHECKS` lists them by id and `ask` runs them all; the
README's preflight section lists the same ids (a test keeps them in step). A check that
cannot ask AWS gives a `PF000` warning instead. Nothing here changes the account: only
Describe/Get/List calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.checks.findings import Finding, Severity
from appstack.config import Target
from appstack.data import load


def _stack_states() -> dict[str, Any]:
    return load("stack_states")


#: Stack states from which an update cannot start, and what to do instead (STACK: the
#: stack's name). The one home of this fact: the deploy engine refuses the same states.
BLOCKING_STATES: dict[str, str] = dict(_stack_states()["blocked"])


def busy(status: str) -> bool:
    """Whether another operation runs on a stack in `status` (a stack under review, made by
    a change set that never ran, is not busy)."""
    states = _stack_states()
    return status.endswith(states["busy_suffix"]) and status not in states["not_busy"]


def state_problem(name: str, status: str) -> tuple[str, str] | None:
    """What stops stack `name` in `status` from taking a change now, and the advice (None:
    nothing); PF001 of an environment, BP001 of the account baseline."""
    if status in BLOCKING_STATES:
        return f"stack is in {status}", BLOCKING_STATES[status].replace("STACK", name)
    if busy(status):
        return f"another operation is running ({status})", f"wait for it: `appstack watch {name}`"
    return None


@dataclass
class Context:
    target: Target
    stack_name: str
    session: Any  # anything with .client(service): a boto3 Session, a deploy Connection
    stack: dict[str, Any] | None = None

    def client(self, service: str) -> Any:
        return self.session.client(service)

    @cached_property
    def resources(self) -> list[dict[str, Any]]:
        """The stack's resources, from every page of ListStackResources, read once for all
        the checks (DescribeStackResources answers the first 100 only, and phase 4 has more:
        https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html)."""
        if self.stack is None:
            return []
        pages = (
            self.client("cloudformation")
            .get_paginator("list_stack_resources")
            .paginate(StackName=self.stack_name)
        )
        return [r for page in pages for r in page["StackResourceSummaries"]]


@dataclass(frozen=True)
class Problem:
    """What a check found: the resource it concerns, what is wrong, and what to do (the
    check's declared fix when "")."""

    resource: str
    message: str
    fix: str = ""
    severity: Severity = "error"


Run = Callable[[Context], list[Problem]]


@dataclass(frozen=True)
class Check:
    """One preflight check: its id, what it asks, the fix it points to, and the code."""

    id: str
    title: str
    fix: str
    run: Run

    def findings(self, context: Context) -> list[Finding]:
        """The check's problems in `context`, as findings of this check."""
        return [
            Finding(self.id, p.severity, p.resource, p.message, p.fix or self.fix)
            for p in self.run(context)
        ]


#: Every check, by id (registered when this module is imported).
REGISTRY: dict[str, Check] = {}

#: The id of the warning a check gives when it cannot ask AWS.
UNREACHABLE = "PF000"

_ID = re.compile(r"^PF\d{3}$")


def check(check_id: str, title: str, fix: str) -> Callable[[Run], Run]:
    """Register the decorated function as preflight check `check_id`."""
    if not _ID.match(check_id) or check_id == UNREACHABLE:
        raise ValueError(f"preflight check id {check_id!r} is not PF followed by three digits")

    def register(run: Run) -> Run:
        declared = REGISTRY.setdefault(check_id, Check(check_id, title, fix, run))
        if declared.run is not run:
            raise ValueError(f"preflight check {check_id} is declared twice")
        return run

    return register


def preflight(target: Target, stack_name: str, session: Any) -> list[Finding]:
    """Every preflight finding for deploying `target` as `stack_name`."""
    return ask(target, stack_name, session)[0]


def ask(
    target: Target, stack_name: str, session: Any
) -> tuple[list[Finding], dict[str, Any] | None]:
    """The preflight findings, and the stack as they found it (None: not deployed yet)."""
    stack = describe_stack(session.client("cloudformation"), stack_name)
    return ask_about(target, stack_name, session, stack), stack


def ask_about(
    target: Target, stack_name: str, session: Any, stack: dict[str, Any] | None
) -> list[Finding]:
    """The preflight findings for `stack` as the caller has just described it (None: not
    deployed yet): a deploy hands in the stack it settled, and DescribeStacks is asked once."""
    context = Context(target, stack_name, session, stack)
    findings: list[Finding] = []
    for declared in CHECKS:
        try:
            findings += declared.findings(context)
        except (ClientError, BotoCoreError) as exc:
            findings.append(unreachable(f"{declared.id} ({declared.title})", exc))
    return findings


def unreachable(check: str, error: Exception) -> Finding:
    """The warning that `check` (an empty name: a check) could not ask AWS."""
    asker = f"{check} could" if check else "could"
    return Finding(
        UNREACHABLE,
        "warning",
        "",
        f"{asker} not ask AWS: {error}",
        "check the credentials' read permissions",
    )


def describe_stack(cfn: Any, name: str) -> dict[str, Any] | None:
    """The stack `name` as DescribeStacks answers it; None if it does not exist."""
    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


@check(
    "PF001",
    "the stack can take an update now (not failed, rolled back or busy)",
    "follow the advice for its state (destroy and deploy again, continue the rollback, or "
    "wait for the running operation)",
)
def stack_state(context: Context) -> list[Problem]:
    if context.stack is None:
        return []
    name = context.stack_name
    found = state_problem(name, context.stack["StackStatus"])
    return [Problem(name, *found)] if found else []


@check(
    "PF002",
    "the stack name is not used by another application",
    "choose another stack name, or another application_name",
)
def stack_owner(context: Context) -> list[Problem]:
    if context.stack is None:
        return []
    params = {
        p["ParameterKey"]: p.get("ParameterValue") for p in context.stack.get("Parameters", [])
    }
    owner = params.get("ApplicationName")
    if owner == context.target.app.application_name:
        return []
    what = f"application {owner!r}" if owner else "something other than appstack"
    return [Problem(context.stack_name, f"the stack name is used by {what}")]


@check(
    "PF003",
    "the account baseline records here: a Config recorder for the rules (phase 2), a trail (4)",
    "deploy the account baseline in this account and Region: `appstack baseline deploy`",
)
def baseline_records(context: Context) -> list[Problem]:
    """An environment's Config rules evaluate only what the account's recorder records, and
    its audit trail is the account's trail: both are the account baseline's. Missing, the
    deploy still works, and the rules evaluate nothing, and nothing is audited, which this
    says. A recorder or trail the stack itself still holds is PF007's."""
    region = context.target.app.region
    fix = f"deploy the account baseline here first: appstack baseline deploy --region {region}"
    found = []
    if context.target.has("config") and not _owns_resource(
        context, "AWS::Config::ConfigurationRecorder"
    ):
        recorders = context.client("config").describe_configuration_recorders()[
            "ConfigurationRecorders"
        ]
        if not recorders:
            found.append(
                Problem(
                    "ConfigRecorder",
                    f"no AWS Config recorder records in {region}: this environment's rules "
                    "would evaluate nothing",
                    fix,
                    "warning",
                )
            )
    if context.target.has("audit") and not _owns_resource(context, "AWS::CloudTrail::Trail"):
        trails = context.client("cloudtrail").describe_trails(includeShadowTrails=True)
        if not [t for t in trails["trailList"] if t.get("IsMultiRegionTrail")]:
            found.append(
                Problem(
                    "AuditTrail",
                    f"no multi-Region CloudTrail trail records this account's events in {region}",
                    fix,
                    "warning",
                )
            )
    return found


@check(
    "PF004",
    "the certificate exists, is ISSUED and is in the stack's Region",
    "request or import an ISSUED certificate in the stack's Region and set certificate_arn",
)
def certificate(context: Context) -> list[Problem]:
    arn = context.target.env.certificate_arn
    if not arn:
        return []
    field = f"environments.{context.target.env_name}.certificate_arn"
    region, stack_region = arn.split(":")[3], context.target.app.region
    if region != stack_region:
        elsewhere = (
            f"the certificate is in {region}, the stack in {stack_region}; a load balancer "
            "needs one in its Region"
        )
        fix = f"request or import the certificate in {stack_region} and set {field}"
        return [Problem("HttpsListener", elsewhere, fix)]
    try:
        found = context.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidArnException"):
            return [Problem("HttpsListener", f"certificate {arn} not found", f"check {field}")]
        raise
    status = found.get("Status")
    if status != "ISSUED":
        unissued = f"certificate status is {status}, not ISSUED"
        return [Problem("HttpsListener", unissued, "finish its validation in ACM before deploying")]
    return []


def vpc_quota(context: Context) -> list[Problem]:
    if context.stack is not None:
        return []  # the stack's VPC exists already
    used = len(context.client("ec2").describe_vpcs()["Vpcs"])
    return _quota_problems(context, "vpcs_per_region", used, 1, "VPC", "VPCs")


def elastic_ip_quota(context: Context) -> list[Problem]:
    env = context.target.env
    if env.egress != "nat_gateway":
        return []  # `egress: public`: no NAT gateway, no Elastic IP
    needed = env.nat_gateways - len(_stack_resources(context, "AWS::EC2::EIP"))
    if needed <= 0:
        return []
    used = len(context.client("ec2").describe_addresses()["Addresses"])
    return _quota_problems(
        context, "elastic_ips_per_region", used, needed, "NatEip1", "Elastic IP addresses"
    )


@check(
    "PF006",
    "vpc_cidr is the range of the deployed VPC (a VPC's range cannot change in place)",
    "set vpc_cidr back to the deployed range, or deploy a new environment and move to it",
)
def vpc_range(context: Context) -> list[Problem]:
    """A deployed VPC keeps its range: CidrBlock is create-only, so a new `vpc_cidr` would
    replace the VPC and about 40 resources in it, and the update fails after a long time
    (the internet gateway and the NAT addresses cannot move).
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html
    """
    vpc_id = _output(context, "VpcId")
    if vpc_id is None:
        return []
    # A VPC's primary range never changes, so the stack's output is the VPC's range; only a
    # stack deployed before that output asks EC2.
    deployed = _output(context, "VpcCidr")
    if deployed is None:
        vpcs = context.client("ec2").describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        deployed = vpcs[0]["CidrBlock"] if vpcs else None
    wanted = str(context.target.env.vpc_cidr)
    if deployed is None or deployed == wanted:
        return []
    field = f"environments.{context.target.env_name}.vpc_cidr"
    changed = (
        f"{field} is {wanted}, but the deployed VPC {vpc_id} has {deployed}; a VPC's "
        "range cannot change in place (the VPC and everything in it would be replaced)"
    )
    fix = (
        f"set {field} back to {deployed}; for a new range, deploy a new environment "
        "beside this one, move traffic and data to it, then destroy this one"
    )
    return [Problem("VPC", changed, fix)]


@check(
    "PF007",
    "a Config recorder or trail this stack still holds moves to the account baseline first",
    "move them without a gap: `appstack baseline adopt STACK` (then deploy again)",
)
def account_resources_held(context: Context) -> list[Problem]:
    """Environments no longer hold the account's recorder and trail (the account baseline
    does), so deploying today's template to a stack that still holds them deletes them:
    recording stops for the whole account and Region, and every Config rule there (other
    environments' too) stops evaluating
    (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html); the
    trail stops. Refused, whatever the phase: `appstack baseline adopt STACK` moves them into
    the baseline first (retained, removed from this stack, imported there), with no gap."""
    held = [
        (logical, kind)
        for kind, logical in (
            ("AWS::Config::ConfigurationRecorder", "ConfigRecorder"),
            ("AWS::CloudTrail::Trail", "AuditTrail"),
        )
        if _owns_resource(context, kind)
    ]
    if not held:
        return []
    names = " and ".join(
        f"the account's {kind.split('::')[-1]} ({logical})" for logical, kind in held
    )
    return [
        Problem(
            held[0][0],
            f"this stack still holds {names}; environments no longer do, so this deploy would "
            "delete it: recording stops for the whole account in "
            f"{context.target.app.region}",
            f"move them into the account baseline first, without a gap: appstack baseline "
            f"adopt {context.stack_name}; then deploy again",
        )
    ]


@check(
    "PF005",
    "the Region's VPC and Elastic IP quotas leave room for what the deploy adds",
    "release unused VPCs or addresses, or request a higher quota in Service Quotas",
)
def quotas(context: Context) -> list[Problem]:
    return vpc_quota(context) + elastic_ip_quota(context)


@check(
    "PF008",
    "each secret of `secrets:` has a value of its owner's (not only the generated placeholder)",
    "set it: appstack secret set ENV NAME (after the deploy that creates it)",
)
def secret_values(context: Context) -> list[Problem]:
    """A secret of `secrets:` is made by the deploy with a generated placeholder, so tasks
    start; the application gets its real value once `appstack secret set` puts one (a value
    of its own is a second version: DescribeSecret's VersionIdsToStages,
    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
    A warning, not an error: the first deploy must create the secret before it can be set."""
    from appstack.blueprint.named_secrets import name_of

    env, names = context.target.env_name, context.target.app.secrets
    deployed = {
        name_of(r["LogicalResourceId"]): r.get("PhysicalResourceId", "")
        for r in _stack_resources(context, "AWS::SecretsManager::Secret")
    } if names else {}  # fmt: skip
    found = []
    for name in names:
        arn = deployed.get(name)
        if arn:
            versions = context.client("secretsmanager").describe_secret(SecretId=arn)
            if len(versions.get("VersionIdsToStages", {})) > 1:
                continue
        when = "now" if arn else "once this deploy has created it"
        found.append(
            Problem(
                name,
                f"secret {name} has no value of its own yet: the container gets a generated "
                "placeholder",
                f"set it {when}: `appstack secret set {env} {name}`",
                "warning",
            )
        )
    return found


#: Every check, in id order.
CHECKS: tuple[Check, ...] = tuple(REGISTRY[k] for k in sorted(REGISTRY))


def _quotas() -> dict[str, dict[str, Any]]:
    return load("quotas")


#: The permission whose absence leaves a quota unknown (the default is assumed).
QUOTA_PERMISSION = "servicequotas:GetServiceQuota"

#: Error codes of a caller that may not ask Service Quotas.
_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


def _quota(context: Context, name: str) -> tuple[int, bool]:
    """The account's quota, and whether it is known: False when the caller may not ask
    Service Quotas (the default is returned then, though the account may have more)."""
    quota = _quotas()[name]
    try:
        value = context.client("service-quotas").get_service_quota(
            ServiceCode=quota["service"], QuotaCode=quota["code"]
        )["Quota"]["Value"]
        return int(value), True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _DENIED:
            return int(quota["default"]), False
        return int(quota["default"]), True  # not applied in this account: the default holds
    except BotoCoreError:
        return int(quota["default"]), True


def _quota_problems(
    context: Context, name: str, used: int, needed: int, resource: str, what: str
) -> list[Problem]:
    if used + needed < int(_quotas()[name]["default"]):
        # An account's quota differs from the default only by increases it was granted
        # ("The default value does not reflect any quota increases",
        # https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetAWSDefaultServiceQuota.html):
        # below the default there is nothing to ask Service Quotas.
        return []
    limit, known = _quota(context, name)
    code = _quotas()[name]["code"]
    region = context.target.app.region
    if used + needed > limit and not known:
        unread = (
            f"{used} {what} are used in {region} and this deploy needs {needed} more, past "
            f"the default quota of {limit}; the account's own quota could not be read "
            f"(the credentials lack {QUOTA_PERMISSION})"
        )
        fix = (
            f"allow {QUOTA_PERMISSION} to check it, or make sure quota {code} is above "
            f"{used + needed - 1} in Service Quotas"
        )
        return [Problem(resource, unread, fix, "warning")]
    if used + needed > limit:
        full = f"{used} of {limit} {what} are used in {region}; this deploy needs {needed} more"
        fix = f"release unused ones or request a higher quota ({code}) in Service Quotas"
        return [Problem(resource, full, fix)]
    if used + needed == limit:
        last = f"this deploy uses the last of {limit} {what} in {region}"
        fix = f"request a higher quota ({code}) before the next environment"
        return [Problem(resource, last, fix, "warning")]
    return []


def _stack_resources(context: Context, resource_type: str) -> list[dict[str, Any]]:
    """The stack's resources of one type."""
    return [r for r in context.resources if r["ResourceType"] == resource_type]


def _output(context: Context, key: str) -> str | None:
    for output in (context.stack or {}).get("Outputs", []):
        if output.get("OutputKey") == key:
            return str(output["OutputValue"])
    return None


def _owns_resource(context: Context, resource_type: str) -> bool:
    return bool(_stack_resources(context, resource_type))
