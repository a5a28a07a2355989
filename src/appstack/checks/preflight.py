"""Preflight: ask the target account, read-only, what would make a deploy fail.

Each check is a small declared unit, like appstack's template rules and the emulator's
fidelity rules: an id (`PF` and three digits), a one-line description, the fix it points
to, and a function `(context) -> findings` registered with `@check(...)`. `CHECKS` lists
them by id and `ask` runs them all; the README's preflight section lists the same ids (a
test keeps them in step). A check that cannot ask AWS gives a `PF000` warning instead.
Nothing here changes the account: only Describe/Get/List calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.checks.findings import Finding
from appstack.config import Target
from appstack.data import load
from appstack.phases import capabilities


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


@dataclass
class Context:
    target: Target
    stack_name: str
    session: Any  # anything with .client(service): a boto3 Session, a deploy Connection
    stack: dict[str, Any] | None = None

    def client(self, service: str) -> Any:
        return self.session.client(service)


Run = Callable[[Context], list[Finding]]


@dataclass(frozen=True)
class Check:
    """One preflight check: its id, what it asks, the fix it points to, and the code."""

    id: str
    title: str
    fix: str
    run: Run


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
        if check_id in REGISTRY and REGISTRY[check_id].run is not run:
            raise ValueError(f"preflight check {check_id} is declared twice")
        REGISTRY[check_id] = Check(check_id, title, fix, run)
        return run

    return register


def preflight(target: Target, stack_name: str, session: Any) -> list[Finding]:
    """Every preflight finding for deploying `target` as `stack_name`."""
    return ask(target, stack_name, session)[0]


def ask(
    target: Target, stack_name: str, session: Any
) -> tuple[list[Finding], dict[str, Any] | None]:
    """The preflight findings, and the stack as they found it (None: not deployed yet)."""
    context = Context(target, stack_name, session, _describe_stack(session, target, stack_name))
    findings: list[Finding] = []
    for declared in CHECKS:
        try:
            findings += declared.run(context)
        except (ClientError, BotoCoreError) as exc:
            findings.append(
                Finding(
                    UNREACHABLE,
                    "warning",
                    "",
                    f"{declared.id} ({declared.title}) could not ask AWS: {exc}",
                    "check the credentials' read permissions",
                )
            )
    return findings, context.stack


def _describe_stack(session: Any, target: Target, name: str) -> dict[str, Any] | None:
    client = session.client("cloudformation")
    try:
        stacks = client.describe_stacks(StackName=name)["Stacks"]
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
def stack_state(context: Context) -> list[Finding]:
    if context.stack is None:
        return []
    status = context.stack["StackStatus"]
    if status in BLOCKING_STATES:
        return [
            Finding(
                "PF001",
                "error",
                context.stack_name,
                f"stack is in {status}",
                BLOCKING_STATES[status].replace("STACK", context.stack_name),
            )
        ]
    if busy(status):
        return [
            Finding(
                "PF001",
                "error",
                context.stack_name,
                f"another operation is running ({status})",
                f"wait for it: `appstack watch {context.stack_name}`",
            )
        ]
    return []


@check(
    "PF002",
    "the stack name is not used by another application",
    "choose another stack name, or another application_name",
)
def stack_owner(context: Context) -> list[Finding]:
    if context.stack is None:
        return []
    params = {
        p["ParameterKey"]: p.get("ParameterValue") for p in context.stack.get("Parameters", [])
    }
    owner = params.get("ApplicationName")
    if owner == context.target.app.application_name:
        return []
    what = f"application {owner!r}" if owner else "something other than appstack"
    return [
        Finding(
            "PF002",
            "error",
            context.stack_name,
            f"the stack name is used by {what}",
            "choose another stack name, or another application_name",
        )
    ]


@check(
    "PF003",
    "an AWS Config recorder the stack does not own is declared with config_recorder_exists",
    "set config_recorder_exists to match the account (true: appstack adds only the rules)",
)
def config_recorder(context: Context) -> list[Finding]:
    if not context.target.has("config"):
        return []
    recorders = context.client("config").describe_configuration_recorders()[
        "ConfigurationRecorders"
    ]
    exists = context.target.env.config_recorder_exists
    ours = _owns_resource(context, "AWS::Config::ConfigurationRecorder")
    if recorders and not exists and not ours:
        return [
            Finding(
                "PF003",
                "error",
                "ConfigRecorder",
                f"an AWS Config recorder already exists in {context.target.app.region} "
                f"({recorders[0]['name']}); AWS allows one per Region and account",
                f"set environments.{context.target.env_name}.config_recorder_exists: "
                "true (appstack then adds only the rules)",
            )
        ]
    if exists and not recorders:
        return [
            Finding(
                "PF003",
                "warning",
                "ConfigRecorder",
                "config_recorder_exists is true but no recorder exists: the rules "
                "will not evaluate",
                f"set environments.{context.target.env_name}.config_recorder_exists: false",
            )
        ]
    return []


@check(
    "PF004",
    "the certificate exists, is ISSUED and is in the stack's Region",
    "request or import an ISSUED certificate in the stack's Region and set certificate_arn",
)
def certificate(context: Context) -> list[Finding]:
    arn = context.target.env.certificate_arn
    if not arn:
        return []
    field = f"environments.{context.target.env_name}.certificate_arn"
    region = arn.split(":")[3]
    if region != context.target.app.region:
        return [
            Finding(
                "PF004",
                "error",
                "HttpsListener",
                f"the certificate is in {region}, the stack in "
                f"{context.target.app.region}; a load balancer needs one in its Region",
                f"request or import the certificate in {context.target.app.region} and set {field}",
            )
        ]
    try:
        found = context.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("ResourceNotFoundException", "InvalidArnException"):
            return [
                Finding(
                    "PF004",
                    "error",
                    "HttpsListener",
                    f"certificate {arn} not found",
                    f"check {field}",
                )
            ]
        raise
    if found.get("Status") != "ISSUED":
        return [
            Finding(
                "PF004",
                "error",
                "HttpsListener",
                f"certificate status is {found.get('Status')}, not ISSUED",
                "finish its validation in ACM before deploying",
            )
        ]
    return []


def vpc_quota(context: Context) -> list[Finding]:
    if context.stack is not None:
        return []  # the stack's VPC exists already
    used = len(context.client("ec2").describe_vpcs()["Vpcs"])
    return _quota_findings(context, "vpcs_per_region", used, 1, "VPC", "VPCs")


def elastic_ip_quota(context: Context) -> list[Finding]:
    env = context.target.env
    if env.egress != "nat_gateway":
        return []  # `egress: public`: no NAT gateway, no Elastic IP
    needed = env.nat_gateways - len(_stack_resources(context, "AWS::EC2::EIP"))
    if needed <= 0:
        return []
    used = len(context.client("ec2").describe_addresses()["Addresses"])
    return _quota_findings(
        context, "elastic_ips_per_region", used, needed, "NatEip1", "Elastic IP addresses"
    )


@check(
    "PF006",
    "vpc_cidr is the range of the deployed VPC (a VPC's range cannot change in place)",
    "set vpc_cidr back to the deployed range, or deploy a new environment and move to it",
)
def vpc_range(context: Context) -> list[Finding]:
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
    return [
        Finding(
            "PF006",
            "error",
            "VPC",
            f"{field} is {wanted}, but the deployed VPC {vpc_id} has {deployed}; a VPC's "
            "range cannot change in place (the VPC and everything in it would be replaced)",
            f"set {field} back to {deployed}; for a new range, deploy a new environment "
            "beside this one, move traffic and data to it, then destroy this one",
        )
    ]


@check(
    "PF007",
    "the Config recorder this stack owns is not removed by a setting, nor while other rules use it",
    "stop recording on purpose with `appstack rollback STACK ENV --to-phase 1` (its plan "
    "names it), or hand the recorder to the account baseline first",
)
def config_recorder_owner(context: Context) -> list[Finding]:
    """AWS Config records through one recorder per account and Region, and every Config rule
    of that Region (other environments' too) evaluates only what it records
    (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html). The
    stack that owns it deletes it when `features: {config: false}` or
    `config_recorder_exists: true` is set, or when it goes below the phase that adds Config.

    - Other Config rules in the Region use it: refused, whatever the change (they would
      stop evaluating, silently, for environments this deploy knows nothing of).
    - A setting would delete it while the phase still has Config: refused. A setting is
      easily changed in passing; stopping the account's recording is not a side effect.
    - Going below phase 2 (`rollback --to-phase 1`, or `deploy --phase 1`): allowed with a
      warning, and the plan names the removal ("recording stops for the whole account and
      Region"), so a deliberate rollback stays possible and is never silent.
    """
    env = context.target.env
    keeps = context.target.has("config") and not env.config_recorder_exists
    if keeps or not _owns_resource(context, "AWS::Config::ConfigurationRecorder"):
        return []
    ours = {
        r.get("PhysicalResourceId") for r in _stack_resources(context, "AWS::Config::ConfigRule")
    }
    rules = context.client("config").describe_config_rules().get("ConfigRules", [])
    others = sorted(r["ConfigRuleName"] for r in rules if r["ConfigRuleName"] not in ours)
    where = f"environments.{context.target.env_name}"
    region = context.target.app.region
    stops = f"recording stops for the whole account in {region}"
    rollback = f"`appstack rollback {context.stack_name} {context.target.env_name} --to-phase 1`"
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        return [
            Finding(
                "PF007",
                "error",
                "ConfigRecorder",
                f"this stack owns the AWS Config recorder of {region}, and {len(others)} other "
                f"Config rule(s) depend on it ({shown}); this deploy would delete it and they "
                "would stop evaluating",
                f"keep features.config on and {where}.config_recorder_exists false on this "
                "stack until another stack (or the account baseline) owns a recorder",
            )
        ]
    if "config" in capabilities(context.target.phase):
        setting = (
            f"{where}.config_recorder_exists: true"
            if env.config_recorder_exists
            else f"{where}.features.config: false"
        )
        return [
            Finding(
                "PF007",
                "error",
                "ConfigRecorder",
                f"{setting} would delete the AWS Config recorder this stack owns: {stops}",
                f"keep features.config on and config_recorder_exists false; to stop recording "
                f"on purpose, go below phase 2 with {rollback} (its plan names what stops); to "
                "hand the recorder to the account baseline, have it retained and imported "
                "there first, then set config_recorder_exists: true",
            )
        ]
    return [
        Finding(
            "PF007",
            "warning",
            "ConfigRecorder",
            f"this deploy deletes the AWS Config recorder this stack owns: {stops}",
            f"stay at phase 2 or above to keep it; {where}.config_recorder_exists: true once "
            "the account baseline records",
        )
    ]


@check(
    "PF005",
    "the Region's VPC and Elastic IP quotas leave room for what the deploy adds",
    "release unused VPCs or addresses, or request a higher quota in Service Quotas",
)
def quotas(context: Context) -> list[Finding]:
    return vpc_quota(context) + elastic_ip_quota(context)


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


def _quota_findings(
    context: Context, name: str, used: int, needed: int, resource: str, what: str
) -> list[Finding]:
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
        return [
            Finding(
                "PF005",
                "warning",
                resource,
                f"{used} {what} are used in {region} and this deploy needs {needed} more, past "
                f"the default quota of {limit}; the account's own quota could not be read "
                f"(the credentials lack {QUOTA_PERMISSION})",
                f"allow {QUOTA_PERMISSION} to check it, or make sure quota {code} is above "
                f"{used + needed - 1} in Service Quotas",
            )
        ]
    if used + needed > limit:
        return [
            Finding(
                "PF005",
                "error",
                resource,
                f"{used} of {limit} {what} are used in {region}; this deploy needs {needed} more",
                f"release unused ones or request a higher quota ({code}) in Service Quotas",
            )
        ]
    if used + needed == limit:
        return [
            Finding(
                "PF005",
                "warning",
                resource,
                f"this deploy uses the last of {limit} {what} in {region}",
                f"request a higher quota ({code}) before the next environment",
            )
        ]
    return []


def _stack_resources(context: Context, resource_type: str) -> list[dict[str, Any]]:
    """The stack's resources of one type, from every page of ListStackResources
    (DescribeStackResources answers the first 100 only, and phase 4 has more:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html)."""
    if context.stack is None:
        return []
    pages = (
        context.client("cloudformation")
        .get_paginator("list_stack_resources")
        .paginate(StackName=context.stack_name)
    )
    return [
        r
        for page in pages
        for r in page["StackResourceSummaries"]
        if r["ResourceType"] == resource_type
    ]


def _output(context: Context, key: str) -> str | None:
    for output in (context.stack or {}).get("Outputs", []):
        if output.get("OutputKey") == key:
            return str(output["OutputValue"])
    return None


def _owns_resource(context: Context, resource_type: str) -> bool:
    return bool(_stack_resources(context, resource_type))
