"""Preflight asks the account (here: the embedded emulator, moto) what would fail a deploy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.cloudformation.models import cloudformation_backends
from moto.core import DEFAULT_ACCOUNT_ID

from appstack import config
from appstack.checks.preflight import ask, preflight
from appstack.deploy.session import Connection

REGION = "us-east-1"
TINY = json.dumps(
    {
        "Parameters": {"ApplicationName": {"Type": "String"}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    }
)


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # in-process emulator, not a server
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def target(env: dict[str, Any] | None = None, phase: int = 1, name: str = "dev") -> config.Target:
    return config.resolve(config.parse({"environments": {name: env or {}}}), name, phase)


def rules(findings: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.rule: f.severity for f in findings}


def create_stack(session: boto3.Session, name: str, app: str) -> None:
    session.client("cloudformation").create_stack(
        StackName=name,
        TemplateBody=TINY,
        Parameters=[{"ParameterKey": "ApplicationName", "ParameterValue": app}],
    )


def test_a_fresh_account_has_nothing_to_say(session: boto3.Session) -> None:
    assert preflight(target(), "myapp-dev", session) == []


def test_a_stack_name_used_by_another_application_is_refused(session: boto3.Session) -> None:
    create_stack(session, "myapp-dev", "billing")
    [finding] = preflight(target(), "myapp-dev", session)
    assert finding.rule == "PF002" and "'billing'" in finding.message
    assert finding.fix == "choose another stack name, or another application_name"


def test_a_checks_problems_are_findings_of_that_check_with_its_fix_by_default() -> None:
    from appstack.checks.preflight import Check, Context, Problem

    declared = Check(
        "PF999",
        "made up",
        "the declared fix",
        lambda _: [Problem("Vpc", "too small"), Problem("Eip", "last one", "ask", "warning")],
    )
    findings = declared.findings(Context(target(), "myapp-dev", None))
    assert [(f.rule, f.severity, f.resource, f.fix) for f in findings] == [
        ("PF999", "error", "Vpc", "the declared fix"),
        ("PF999", "warning", "Eip", "ask"),
    ]


@pytest.mark.parametrize("status", ["ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED"])
def test_a_stuck_stack_points_at_appstack_recover(session: boto3.Session, status: str) -> None:
    create_stack(session, "myapp-dev", "myapp")
    [stack] = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = status
    [finding] = preflight(target(), "myapp-dev", session)
    assert finding.rule == "PF001" and "`appstack recover myapp-dev`" in finding.fix
    assert "aws cloudformation" not in finding.fix


def test_an_operation_in_progress_says_how_to_watch_it(session: boto3.Session) -> None:
    create_stack(session, "myapp-dev", "myapp")
    [stack] = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = "UPDATE_IN_PROGRESS"
    [finding] = preflight(target(), "myapp-dev", session)
    assert "appstack watch myapp-dev" in finding.fix


def test_phase_2_without_the_account_baseline_says_how_to_deploy_it(
    session: boto3.Session,
) -> None:
    cfg = config.parse({"environments": {"dev": {"features": {"config": True}}}})
    tgt = config.Target(cfg, "dev", cfg.environments["dev"], 1)
    [finding] = [f for f in preflight(tgt, "myapp-dev", session) if f.rule == "PF003"]
    assert finding.severity == "warning" and "appstack baseline deploy" in finding.fix
    session.client("config").put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c"}
    )
    assert [f for f in preflight(tgt, "myapp-dev", session) if f.rule == "PF003"] == []


def test_phase_4_without_the_accounts_trail_says_how_to_deploy_it(session: boto3.Session) -> None:
    cfg = config.parse({"environments": {"dev": {"features": {"audit": True}}}})
    tgt = config.Target(cfg, "dev", cfg.environments["dev"], 1)
    [finding] = [f for f in preflight(tgt, "myapp-dev", session) if f.rule == "PF003"]
    assert "CloudTrail" in finding.message and "appstack baseline deploy" in finding.fix


def test_a_certificate_in_another_region_is_refused(session: boto3.Session) -> None:
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    [finding] = preflight(target({"certificate_arn": arn}), "myapp-dev", session)
    assert finding.rule == "PF004" and "eu-west-1" in finding.message


def test_a_certificate_that_does_not_exist_is_refused(session: boto3.Session) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    [finding] = preflight(target({"certificate_arn": arn}), "myapp-dev", session)
    assert finding.rule == "PF004" and "not found" in finding.message


def test_an_issued_certificate_passes(session: boto3.Session) -> None:
    acm = session.client("acm")
    arn = acm.request_certificate(DomainName="example.com")["CertificateArn"]
    findings = preflight(target({"certificate_arn": arn}), "myapp-dev", session)
    # moto issues requested certificates at once (PENDING_VALIDATION on real AWS)
    status = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    assert (findings == []) == (status == "ISSUED")


def test_a_full_vpc_quota_is_an_error_and_the_last_free_vpc_a_warning(
    session: boto3.Session,
) -> None:
    ec2 = session.client("ec2")
    used = len(ec2.describe_vpcs()["Vpcs"])  # moto has a default VPC
    for i in range(5 - used - 1):
        ec2.create_vpc(CidrBlock=f"10.{200 + i}.0.0/16")
    assert rules(preflight(target(), "myapp-dev", session)) == {"PF005": "warning"}
    ec2.create_vpc(CidrBlock="10.250.0.0/16")
    assert rules(preflight(target(), "myapp-dev", session)) == {"PF005": "error"}


def test_prod_needs_an_elastic_ip_per_nat_gateway(session: boto3.Session) -> None:
    ec2 = session.client("ec2")
    for _ in range(4):
        ec2.allocate_address(Domain="vpc")
    [finding] = preflight(target(name="prod"), "myapp-prod", session)
    assert finding.rule == "PF005" and "needs 2 more" in finding.message


def test_public_egress_needs_no_elastic_ip(session: boto3.Session) -> None:
    """`egress: public` builds no NAT gateway, so no address of the quota of 5 is needed."""
    ec2 = session.client("ec2")
    for _ in range(5):
        ec2.allocate_address(Domain="vpc")
    assert preflight(target({"egress": "public"}), "myapp-dev", session) == []
    [finding] = preflight(target({"egress": "nat_gateway"}), "myapp-dev", session)
    assert finding.rule == "PF005" and "needs 1 more" in finding.message


def test_preflight_hands_over_the_stack_it_found_so_deploy_need_not_ask_again(
    session: boto3.Session,
) -> None:
    assert ask(target(), "myapp-dev", session) == ([], None)
    create_stack(session, "myapp-dev", "myapp")
    findings, stack = ask(target(), "myapp-dev", session)
    assert findings == [] and stack is not None and stack["StackName"] == "myapp-dev"


class QuotasDenied:
    """A session whose credentials may not call servicequotas:GetServiceQuota."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session

    def client(self, service: str) -> Any:
        client = self.session.client(service)
        if service == "service-quotas":
            stubber = Stubber(client)
            for _ in range(3):
                stubber.add_client_error(
                    "get_service_quota", "AccessDeniedException", "not authorized", 400
                )
            stubber.activate()
        return client


class Clients:
    """A session that records the clients asked of it."""

    def __init__(self, session: boto3.Session) -> None:
        self.session, self.made = session, []

    def client(self, service: str) -> Any:
        self.made.append(service)
        return self.session.client(service)


def test_below_the_default_quotas_service_quotas_is_not_asked(session: boto3.Session) -> None:
    """A quota is the default or an increase of it: below the default nothing can fail, and
    a deploy is spared a client and a call."""
    recorded = Clients(session)
    assert preflight(target({"egress": "nat_gateway"}), "myapp-dev", recorded) == []
    assert "service-quotas" not in recorded.made and "ec2" in recorded.made
    public = Clients(session)
    preflight(target({"egress": "public"}), "myapp-dev", public)
    assert public.made.count("ec2") <= 1  # the VPCs; no Elastic IP to count


def test_a_deployed_vpcs_range_is_read_from_the_stack_without_asking_ec2(
    session: boto3.Session,
) -> None:
    vpc = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.10.0.0/16"}}
    outputs = {
        "VpcId": {"Value": {"Ref": "VPC"}},
        "VpcCidr": {"Value": {"Fn::GetAtt": ["VPC", "CidrBlock"]}},
    }
    session.client("cloudformation").create_stack(
        StackName="myapp-dev",
        TemplateBody=json.dumps(
            {
                "Parameters": {"ApplicationName": {"Type": "String"}},
                "Resources": {"VPC": vpc},
                "Outputs": outputs,
            }
        ),
        Parameters=[{"ParameterKey": "ApplicationName", "ParameterValue": "myapp"}],
    )
    recorded = Clients(session)
    assert preflight(target({"egress": "public"}), "myapp-dev", recorded) == []
    assert "ec2" not in recorded.made
    [moved] = preflight(
        target({"egress": "public", "vpc_cidr": "10.99.0.0/16"}), "myapp-dev", recorded
    )
    assert moved.rule == "PF006" and "10.10.0.0/16" in moved.message


def test_an_unreadable_quota_past_the_default_is_a_warning_naming_the_permission(
    session: boto3.Session,
) -> None:
    """A caller without servicequotas:GetServiceQuota in an account with a raised quota must
    not be refused; the default (5 VPCs) is only a guess then
    (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html)."""
    ec2 = session.client("ec2")
    for i in range(5 - len(ec2.describe_vpcs()["Vpcs"])):
        ec2.create_vpc(CidrBlock=f"10.{200 + i}.0.0/16")
    [finding] = preflight(target(), "myapp-dev", QuotasDenied(session))
    assert finding.rule == "PF005" and finding.severity == "warning"
    assert "servicequotas:GetServiceQuota" in finding.message + finding.fix


def test_elastic_ips_of_a_stack_past_100_resources_are_counted(emulator_endpoint: str) -> None:
    """DescribeStackResources answers the first 100 resources only; the stack's own addresses
    come after them here, and need no new quota
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html)."""
    conn = Connection("eu-north-1", endpoint=emulator_endpoint)  # a Region of its own
    resources: dict[str, Any] = {f"Topic{i}": {"Type": "AWS::SNS::Topic"} for i in range(110)}
    resources |= {
        f"NatEip{i}": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}} for i in (1, 2)
    }
    conn.client("cloudformation").create_stack(
        StackName="myapp-prod",
        TemplateBody=json.dumps(
            {"Parameters": {"ApplicationName": {"Type": "String"}}, "Resources": resources}
        ),
        Parameters=[{"ParameterKey": "ApplicationName", "ParameterValue": "myapp"}],
    )
    ec2 = conn.client("ec2")
    for _ in range(5 - len(ec2.describe_addresses()["Addresses"])):
        ec2.allocate_address(Domain="vpc")
    assert preflight(target(name="prod"), "myapp-prod", conn) == []


def test_a_stack_left_in_delete_failed_gets_the_advice_destroy_follows(
    session: boto3.Session,
) -> None:
    """appstack destroy retains exactly what failed to delete (appstack.deploy.retain), and
    a resource that holds data only when named with --retain: the advice says the same."""
    create_stack(session, "myapp-dev", "myapp")
    [stack] = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = "DELETE_FAILED"
    [finding] = preflight(target(), "myapp-dev", session)
    assert finding.rule == "PF001"
    assert "`appstack destroy myapp-dev` again" in finding.fix and "--retain" in finding.fix


# Preflight checks are declared units (an id, what they check, their fix) kept in step with
# the README, and the stack states that block an update have one home.


def test_every_preflight_check_is_declared_with_an_id_a_description_and_a_fix() -> None:
    from appstack.checks import preflight as module

    assert [c.id for c in module.CHECKS] == sorted(module.REGISTRY)
    assert len(module.CHECKS) >= 7
    for declared in module.CHECKS:
        assert re.fullmatch(r"PF\d{3}", declared.id) and declared.id != module.UNREACHABLE
        assert declared.title and declared.fix and callable(declared.run)


def test_a_malformed_preflight_check_id_is_refused() -> None:
    from appstack.checks import preflight as module

    with pytest.raises(ValueError, match="three digits"):
        module.check("P1", "made up", "none")


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_preflight_section() -> str:
    text = README.read_text()
    heading = "### Preflight checks"
    assert heading in text, f"README.md has no '{heading}' section"
    body = text.split(heading, 1)[1]
    return re.split(r"\n##+ ", body, maxsplit=1)[0]


def test_the_readme_preflight_section_lists_exactly_the_declared_checks() -> None:
    from appstack.checks import preflight as module

    section = readme_preflight_section()
    listed = set(re.findall(r"^\| (PF\d{3}) \|", section, flags=re.MULTILINE))
    assert listed == set(module.REGISTRY)
    assert set(re.findall(r"\bPF\d{3}\b", section)) <= set(module.REGISTRY) | {module.UNREACHABLE}


#: Every stack status CloudFormation reports (API_Stack.html, StackStatus).
STACK_STATUSES = [
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "DELETE_COMPLETE",
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "IMPORT_IN_PROGRESS",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
]


@pytest.mark.parametrize("status", STACK_STATUSES)
def test_preflight_and_the_deploy_engine_refuse_the_same_stack_states(status: str) -> None:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html"""
    from appstack.checks import preflight as module
    from appstack.deploy import stacks

    stack = {"StackName": "myapp-dev", "StackStatus": status}
    context = module.Context(target(), "myapp-dev", None, stack)
    refused_by_preflight = any(f.severity == "error" for f in module.stack_state(context))
    try:
        stacks.check_deployable(stack)
    except stacks.DeployError:
        refused_by_engine = True
    else:
        refused_by_engine = False
    assert refused_by_preflight == refused_by_engine


# PF007: a Config recorder or trail an environment stack still holds (one recorder per account
# and Region; every Config rule there evaluates only what it records:
# https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html).

RECORDER_REGION = "ap-southeast-5"  # a Region of its own: its Config recorder


def test_a_stack_that_still_holds_the_recorder_and_trail_is_refused_until_adopted(
    emulator_endpoint: str,
) -> None:
    from appstack.deploy import stacks
    from appstack.local import transforms
    from deploy.legacy import legacy_template

    vpn_off = {"dev": {"features": {"vpn": False}}}
    cfg = config.parse(
        {"application_name": "rec", "region": RECORDER_REGION, "environments": vpn_off}
    )
    tgt = config.resolve(cfg, "dev", 4)
    conn = Connection(RECORDER_REGION, None, emulator_endpoint)
    template, _ = transforms.for_emulator(legacy_template(tgt))
    change_set, _ = stacks.plan(conn, "rec-dev", None, template)
    assert stacks.apply(conn, change_set, template, production=False).ok
    [found] = [f for f in preflight(tgt, "rec-dev", conn) if f.rule == "PF007"]
    assert found.severity == "error" and "recording stops for the whole account" in found.message
    assert "appstack baseline adopt rec-dev" in found.fix
    # Going down does not help: any template of today's would delete them.
    lower = config.resolve(cfg, "dev", 1)
    assert [f.rule for f in preflight(lower, "rec-dev", conn) if f.severity == "error"] == ["PF007"]


def test_a_secret_without_a_value_of_its_own_is_a_warning_naming_appstack_secret_set(
    session: boto3.Session,
) -> None:
    """PF008: before the first deploy the secret does not exist yet; the deploy makes it with
    a generated placeholder, so this warns and never stops the deploy."""
    app = config.parse({"secrets": ["API_TOKEN"]})
    [finding] = preflight(config.resolve(app, "dev", 1), "myapp-dev", session)
    assert (finding.rule, finding.severity) == ("PF008", "warning")
    assert "`appstack secret set dev API_TOKEN`" in finding.fix
    assert "once this deploy has created it" in finding.fix


def test_the_checks_read_the_stacks_resources_once() -> None:
    """PF003, PF005, PF007 and PF008 each ask which resources the stack holds: one
    ListStackResources (every page) serves them all."""
    from types import SimpleNamespace

    from appstack.checks import preflight as module

    pages = [
        {"StackResourceSummaries": [{"ResourceType": "AWS::EC2::EIP", "LogicalResourceId": "A"}]},
        {"StackResourceSummaries": [{"ResourceType": "AWS::EC2::EIP", "LogicalResourceId": "B"}]},
    ]
    listed: list[str] = []

    def paginate(StackName: str) -> list[dict[str, Any]]:
        listed.append(StackName)
        return pages

    cfn = SimpleNamespace(get_paginator=lambda _: SimpleNamespace(paginate=paginate))
    session = SimpleNamespace(client=lambda _: cfn)
    stack = {"StackName": "myapp-dev", "StackStatus": "UPDATE_COMPLETE"}
    context = module.Context(target(), "myapp-dev", session, stack)
    assert len(module._stack_resources(context, "AWS::EC2::EIP")) == 2
    assert module._owns_resource(context, "AWS::EC2::EIP")
    assert not module._owns_resource(context, "AWS::CloudTrail::Trail")
    assert listed == ["myapp-dev"]
