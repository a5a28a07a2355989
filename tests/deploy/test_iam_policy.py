"""The least-privilege policy for deploy, rollback and destroy (docs/iam/deploy-policy.json):
parliament finds nothing in it (but two findings explained below), it allows every call the
engine makes on the emulator for a deploy, a no-op deploy, a rollback and a destroy (also past
DELETE_FAILED), and it grants nothing those calls do not use.

Calls are recorded on the client side with botocore's `before-parameter-build` event on every
client of the Connection (the test's own setup calls are not recorded); each operation maps
to its IAM action as the Service Authorization Reference lists it
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html for the
S3 operations whose action has another name).
"""

from __future__ import annotations

import copy
import fnmatch
import json
from pathlib import Path
from typing import Any

import parliament
import pytest

from appstack import config
from appstack.checks import preflight
from appstack.deploy import retain, stacks
from appstack.local import transforms
from conftest import synth
from deploy.deploying import on_emulator

POLICY = Path(__file__).parents[2] / "docs" / "iam" / "deploy-policy.json"
REGION = "us-east-2"  # a Region of its own: the preflight counts its VPCs and addresses

#: Operations whose IAM action has another name; None: no permission is needed.
IAM_ACTION = {
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    # "No permissions are required to perform this operation."
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    ("sts", "GetCallerIdentity"): None,
}

# A need the client cannot see is added where it arises: CloudFormation reads a
# TemplateURL with the caller's credentials (s3:GetObject). The templates use no hosted
# transform (RDS manages the database password), so CreateChangeSet needs no transform ARN:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-template.html

#: parliament findings that are understood and accepted, with the reason.
ACCEPTED = {
    # The lifecycle rule expires old templates: deleting objects that way is the point.
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
}


def allowed_actions() -> list[str]:
    statements = json.loads(POLICY.read_text())["Statement"]
    actions: list[str] = []
    for statement in statements:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions += [listed] if isinstance(listed, str) else listed
    return actions


@pytest.fixture(scope="module")
def recorded(emulator_endpoint: str) -> set[str]:
    """The IAM actions of every call made for a deploy, a no-op, a rollback and a destroy."""
    made: set[str] = set()
    conn = on_emulator(emulator_endpoint, REGION)
    recording = [True]

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        if not recording[0]:
            return
        service = model.service_model.signing_name
        action = IAM_ACTION.get((service, model.name), f"{service}:{model.name}")
        if action:
            made.add(action)
        if model.name == "CreateChangeSet" and "TemplateURL" in params:
            made.add("s3:GetObject")  # CloudFormation reads it with the caller's credentials

    services = ("cloudformation", "s3", "sts", "ec2", "config", "acm", "service-quotas", "ecs")
    for service in (*services, "cloudtrail"):
        conn.client(service).meta.events.register("before-parameter-build.*.*", record)

    recording[0] = False
    arn = conn.client("acm").request_certificate(DomainName="app.example.com")["CertificateArn"]
    # This deploy takes the last VPC of the default quota of 5, so preflight asks Service
    # Quotas for the account's own; below the default it need not.
    ec2 = conn.client("ec2")
    for i in range(4 - len(ec2.describe_vpcs()["Vpcs"])):
        ec2.create_vpc(CidrBlock=f"10.{200 + i}.0.0/16")
    recording[0] = True
    # Behind NAT: preflight counts the Elastic IP addresses its NAT gateway needs.
    data = {
        "region": REGION,
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

    assert deploy(1).ok
    assert deploy(1).status == "NO_CHANGES"
    assert deploy(2).ok
    # Phase 4's preflight asks for the account's trail too (the baseline's).
    preflight.ask(config.resolve(config.parse(data), "dev", 4), "iam-recorded", conn)
    assert deploy(1).ok  # the rollback to phase 1
    vpc = stacks.outputs(stacks.current(conn, "iam-recorded")).get("VpcId")
    assert vpc
    recording[0] = False
    ec2 = conn.client("ec2")  # a subnet made outside the stack blocks the VPC's delete
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.11.0.0/16")
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.11.0.0/24")
    # A production stack is destroyed by its owner after lifting termination protection.
    conn.client("cloudformation").update_termination_protection(
        StackName="iam-recorded", EnableTerminationProtection=False
    )
    recording[0] = True
    assert stacks.destroy(conn, "iam-recorded").status == "DELETE_FAILED"
    assert retain.destroy_retaining(conn, "iam-recorded").status == "DELETE_COMPLETE"
    return made


def test_parliament_finds_nothing_but_what_is_explained() -> None:
    analyzed = parliament.analyze_policy_string(POLICY.read_text())
    assert {f.issue for f in analyzed.findings} <= ACCEPTED, [
        (f.issue, f.detail) for f in analyzed.findings
    ]


def test_the_policy_allows_every_call_of_deploy_rollback_and_destroy(recorded: set[str]) -> None:
    granted = allowed_actions()
    missing = {a for a in recorded if not any(fnmatch.fnmatchcase(a, g) for g in granted)}
    assert missing == set()


def test_the_policy_grants_nothing_those_calls_do_not_use(recorded: set[str]) -> None:
    unused = {g for g in allowed_actions() if not any(fnmatch.fnmatchcase(a, g) for a in recorded)}
    assert unused == set()
    assert all("*" not in g for g in allowed_actions())
