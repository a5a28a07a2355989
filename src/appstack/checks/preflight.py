"""Preflight: ask the target account, read-only, what would make a deploy fail.

Each check is a small function `(context) -> findings`; `preflight` runs them all. Nothing
here changes the account: only Describe/Get/List calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.checks.findings import Finding
from appstack.config import Target
from appstack.data import load

#: Stack states from which an update cannot start, and what to do instead.
BLOCKING_STATES = {
    "ROLLBACK_COMPLETE": "the first create failed and rolled back; delete the stack "
    "(`appstack destroy STACK`) and deploy again",
    "ROLLBACK_FAILED": "the failed create could not be rolled back; delete the stack "
    "(`appstack destroy STACK`; if that delete fails, run it again to keep what could not be "
    "deleted), then deploy again",
    "UPDATE_ROLLBACK_FAILED": "a rollback failed; run `aws cloudformation "
    "continue-update-rollback --stack-name STACK` (skipping the resources that block it)",
    "DELETE_FAILED": "a delete failed; run `appstack destroy STACK` again: it deletes the "
    "stack again and, if that fails too, keeps in the account exactly the resources that "
    "could not be deleted (one that holds data only when named: `--retain LOGICAL_ID`)",
}


@dataclass
class Context:
    target: Target
    stack_name: str
    session: Any  # anything with .client(service): a boto3 Session, a deploy Connection
    stack: dict[str, Any] | None = None

    def client(self, service: str) -> Any:
        return self.session.client(service)


def preflight(target: Target, stack_name: str, session: Any) -> list[Finding]:
    """Every preflight finding for deploying `target` as `stack_name`."""
    return ask(target, stack_name, session)[0]


def ask(
    target: Target, stack_name: str, session: Any
) -> tuple[list[Finding], dict[str, Any] | None]:
    """The preflight findings, and the stack as they found it (None: not deployed yet)."""
    context = Context(target, stack_name, session, _describe_stack(session, target, stack_name))
    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings += check(context)
        except (ClientError, BotoCoreError) as exc:
            findings.append(
                Finding(
                    "PF000",
                    "warning",
                    "",
                    f"{check.__name__} could not ask AWS: {exc}",
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
    if status.endswith("_IN_PROGRESS"):
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
    needed = context.target.env.nat_gateways - len(_stack_resources(context, "AWS::EC2::EIP"))
    if needed <= 0:
        return []
    used = len(context.client("ec2").describe_addresses()["Addresses"])
    return _quota_findings(
        context, "elastic_ips_per_region", used, needed, "NatEip1", "Elastic IP addresses"
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


def config_recorder_owner(context: Context) -> list[Finding]:
    """The stack that owns the Region's Config recorder keeps it while other rules use it:
    `config_recorder_exists: true` or `features: {config: false}` there would delete it, and
    every other environment's rules would stop evaluating, silently.
    https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html
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
    if not others:
        return [
            Finding(
                "PF007",
                "warning",
                "ConfigRecorder",
                f"this deploy deletes the AWS Config recorder this stack owns: recording stops "
                f"for the account in {region}",
                f"keep features.config on and {where}.config_recorder_exists false to keep it",
            )
        ]
    shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return [
        Finding(
            "PF007",
            "error",
            "ConfigRecorder",
            f"this stack owns the AWS Config recorder of {region}, and {len(others)} other "
            f"Config rule(s) depend on it ({shown}); this deploy would delete it and they would "
            "stop evaluating",
            f"keep features.config on and {where}.config_recorder_exists false on this stack "
            "until another stack (or the account baseline) owns a recorder",
        )
    ]


CHECKS: tuple[Callable[[Context], list[Finding]], ...] = (
    stack_state,
    stack_owner,
    config_recorder,
    config_recorder_owner,
    certificate,
    vpc_quota,
    vpc_range,
    elastic_ip_quota,
)


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
