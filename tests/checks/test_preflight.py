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


def test_a_stack_left_in_rollback_complete_says_to_delete_and_recreate(
    session: boto3.Session,
) -> None:
    create_stack(session, "myapp-dev", "myapp")
    [stack] = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = "ROLLBACK_COMPLETE"
    [finding] = preflight(target(), "myapp-dev", session)
    assert finding.rule == "PF001" and "destroy" in finding.fix


def test_an_operation_in_progress_says_how_to_watch_it(session: boto3.Session) -> None:
    create_stack(session, "myapp-dev", "myapp")
    [stack] = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = "UPDATE_IN_PROGRESS"
    [finding] = preflight(target(), "myapp-dev", session)
    assert "appstack watch myapp-dev" in finding.fix


def test_an_existing_config_recorder_is_found_before_phase_2_deploys(
    session: boto3.Session,
) -> None:
    session.client("config").put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
        }
    )
    cfg = config.parse({"environments": {"dev": {"features": {"config": True}}}})
    findings = preflight(
        config.Target(cfg, "dev", cfg.environments["dev"], 1), "myapp-dev", session
    )
    [finding] = [f for f in findings if f.rule == "PF003"]
    assert finding.severity == "error" and "config_recorder_exists: true" in finding.fix


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


# PF007: the Config recorder this stack owns (one per account and Region; every Config rule
# there evaluates only what it records:
# https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html).

RECORDER_REGION = "ap-southeast-5"  # a Region of its own: its Config recorder


def run_cli(*argv: str) -> int:
    from appstack.cli import main

    try:
        main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def write_config(path: Path, **dev: Any) -> Path:
    import yaml

    data = {"application_name": "rec", "region": RECORDER_REGION, "environments": {"dev": dev}}
    path.write_text(yaml.safe_dump(data))
    return path


def pf007(path: Path, endpoint: str, phase: int) -> Any:
    tgt = config.resolve(config.load(path), "dev", phase)
    found = preflight(tgt, "rec-dev", Connection(RECORDER_REGION, None, endpoint))
    return next((f for f in found if f.rule == "PF007"), None)


def test_recording_never_stops_by_a_setting_and_stops_by_a_deliberate_rollback(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path / "appstack.yaml")
    deploy = ("deploy", "rec-dev", "dev", "--yes", "--skip-validate", "-c", str(path))
    assert run_cli(*deploy, "--phase", "2") == 0
    assert pf007(path, emulator_endpoint, phase=2) is None

    # A setting that would delete the recorder is refused, even with no other rule in the
    # Region: recording would stop for the whole account as a side effect.
    for change in ({"features": {"config": False}}, {"config_recorder_exists": True}):
        write_config(path, **change)
        found = pf007(path, emulator_endpoint, phase=2)
        assert found is not None and found.severity == "error", change
        assert "recording stops for the whole account" in found.message
        assert "rollback rec-dev dev --to-phase 1" in found.fix
    assert run_cli(*deploy, "--phase", "2") == 1
    config_client = boto3.client(
        "config", region_name=RECORDER_REGION, endpoint_url=emulator_endpoint
    )
    assert config_client.describe_configuration_recorders()["ConfigurationRecorders"]

    # Going below phase 2 is the deliberate way: a warning, the plan names what stops, and
    # the rollback runs.
    write_config(path)
    found = pf007(path, emulator_endpoint, phase=1)
    assert found is not None and found.severity == "warning"
    assert f"recording stops for the whole account in {RECORDER_REGION}" in found.message
    capsys.readouterr()
    rollback = ("rollback", "rec-dev", "dev", "--to-phase", "1", "--yes", "--skip-validate")
    assert run_cli(*rollback, "-c", str(path)) == 0
    said = capsys.readouterr()
    shown = " ".join((said.out + said.err).split())
    # preflight's warning (its table may wrap the Region onto the next row)
    assert "recording stops for the whole account in" in shown
    # The plan's row for the recorder (data/changes.json), as its table wraps it.
    assert "ConfigRecorder" in shown and "for the whole account and Region, and every" in shown
    assert config_client.describe_configuration_recorders()["ConfigurationRecorders"] == []
