"""The least-privilege policy for deploy, rollback and destroy (docs/iam/deploy-policy.json):
parliament finds nothing in it (nor in the other policies of docs/iam/, but the findings
explained below), it allows every call the engine makes on the emulator for a deploy, a no-op
deploy, a rollback, a destroy (also past DELETE_FAILED) and `ci bootstrap`, and it grants
nothing those calls do not use.

Calls are recorded on the client side (`deploy.iam_calls`: the test's own setup calls are not
recorded), each as its IAM action.
"""

from __future__ import annotations

import copy

import parliament
import pytest

from appstack import config
from appstack.checks import preflight
from appstack.deploy import retain, stacks
from appstack.local import transforms
from conftest import synth
from deploy import iam_calls
from deploy.deploying import on_emulator

POLICY = "deploy-policy.json"
REGION = "us-east-2"  # a Region of its own: the preflight counts its VPCs and addresses

# A need the client cannot see is added where it arises (`iam_calls.IMPLIED`): CloudFormation
# reads a TemplateURL with the caller's credentials (s3:GetObject). The templates use no hosted
# transform (RDS manages the database password), so CreateChangeSet needs no transform ARN:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-template.html

#: Every policy of docs/iam/, and the parliament findings understood and accepted in it.
ACCEPTED = {
    # The lifecycle rule expires old templates: deleting objects that way is the point.
    POLICY: {"RESOURCE_POLICY_PRIVILEGE_ESCALATION"},
    "daily-loop-policy.json": set(),
    "baseline-policy.json": set(),
}


@pytest.fixture(scope="module")
def recorded(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> iam_calls.Recorder:
    """The IAM actions of every call made for a deploy, a no-op, a rollback, a destroy, and
    `ci bootstrap` (its access stack, deployed by the same engine)."""
    conn = on_emulator(emulator_endpoint, REGION)
    recorder = iam_calls.Recorder()
    services = ("cloudformation", "s3", "sts", "ec2", "config", "acm", "service-quotas", "ecs")
    recorder.attach(conn, (*services, "cloudtrail", "secretsmanager"))
    arn = conn.client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]
    # This deploy takes the last VPC of the default quota of 5, so preflight asks Service
    # Quotas for the account's own; below the default it need not.
    ec2 = conn.client("ec2")
    for i in range(4 - len(ec2.describe_vpcs()["Vpcs"])):
        ec2.create_vpc(CidrBlock=f"10.{200 + i}.0.0/16")
    # Behind NAT: preflight counts the Elastic IP addresses its NAT gateway needs.
    # With an application secret: preflight asks whether it has a value of its own (PF008).
    data = {
        "region": REGION,
        "secrets": ["API_TOKEN"],
        "environments": {"dev": {"certificate_arn": arn, "egress": "nat_gateway"}},
    }
    vpn = {"vpn": {"customer_gateway_ip": "203.0.113.10"}}
    data["environments"]["dev"] |= vpn  # type: ignore[operator]

    def deploy(phase: int) -> stacks.Outcome:
        target = config.resolve(config.parse(data), "dev", phase)
        template, _ = transforms.for_emulator(synth(data, "dev", phase))
        template = copy.deepcopy(template)
        # Through the template bucket; the phase the template records stays.
        template["Metadata"] = {**template["Metadata"], "Padding": "x" * 52_000}
        preflight.ask(target, "iam-recorded", conn)
        current = stacks.current(conn, "iam-recorded")
        stacks.deployed_phase(conn.client("cloudformation"), current)
        change_set, _ = stacks.plan(conn, "iam-recorded", current, template)
        if change_set.empty:  # as `appstack deploy` does: nothing to run, nothing to discard
            return stacks.Outcome("iam-recorded", "NO_CHANGES")
        return stacks.apply(conn, change_set, template, production=True)

    with recorder.as_command("deploy, rollback"):
        assert deploy(1).ok
        assert deploy(1).status == "NO_CHANGES"
        assert deploy(2).ok
        # Phase 4's preflight asks for the account's trail too (the baseline's).
        preflight.ask(config.resolve(config.parse(data), "dev", 4), "iam-recorded", conn)
        assert deploy(1).ok  # the rollback to phase 1
        vpc = stacks.outputs(stacks.current(conn, "iam-recorded")).get("VpcId")
    assert vpc
    ec2 = conn.client("ec2")  # a subnet made outside the stack blocks the VPC's delete
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.11.0.0/16")
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.11.0.0/24")
    # A production stack is destroyed by its owner after lifting termination protection.
    conn.client("cloudformation").update_termination_protection(
        StackName="iam-recorded", EnableTerminationProtection=False
    )
    with recorder.as_command("destroy"):
        assert stacks.destroy(conn, "iam-recorded").status == "DELETE_FAILED"
        assert retain.destroy_retaining(conn, "iam-recorded").status == "DELETE_COMPLETE"
    config_file = tmp_path_factory.mktemp("iam-ci") / "appstack.yaml"
    config_file.write_text(f"application_name: iamci\nregion: {REGION}\n")
    with pytest.MonkeyPatch.context() as patch, recorder.as_command("ci bootstrap"):
        patch.setattr("appstack.cli.commands.ci.reach_target", lambda *_: conn)
        argv = ["ci", "bootstrap", "dev", "--repository", "owner/name", "--yes"]
        iam_calls.appstack(*argv, "--skip-validate", "-c", str(config_file), "--output", "json")
    assert recorder.made["ci bootstrap"]
    return recorder


def test_every_policy_is_listed_here() -> None:
    assert {p.name for p in iam_calls.POLICIES.glob("*.json")} == set(ACCEPTED)


@pytest.mark.parametrize("policy", sorted(ACCEPTED))
def test_parliament_finds_nothing_but_what_is_explained(policy: str) -> None:
    analyzed = parliament.analyze_policy_string((iam_calls.POLICIES / policy).read_text())
    assert {f.issue for f in analyzed.findings} <= ACCEPTED[policy], [
        (f.issue, f.detail) for f in analyzed.findings
    ]


def test_the_policy_allows_every_call_of_deploy_rollback_and_destroy(
    recorded: iam_calls.Recorder,
) -> None:
    assert iam_calls.missing(POLICY, recorded.all()) == set()


def test_the_policy_grants_nothing_those_calls_do_not_use(recorded: iam_calls.Recorder) -> None:
    assert iam_calls.unused(POLICY, recorded.all()) == set()


@pytest.mark.parametrize("policy", sorted(ACCEPTED))
def test_only_actions_that_take_no_arn_are_allowed_on_every_resource(policy: str) -> None:
    assert iam_calls.on_every_resource(policy) == set()


def test_each_call_is_allowed_on_the_resource_it_names(recorded: iam_calls.Recorder) -> None:
    assert {action for action, _ in recorded.named} >= {"secretsmanager:DescribeSecret"}
    assert iam_calls.refused(POLICY, recorded.named) == set()
