"""Every environment's template: the shared interface, and cfn-lint clean."""

from __future__ import annotations

import json

import pytest

from appstack import config
from appstack.blueprint import AVAILABLE
from appstack.checks.lint import run_cfn_lint
from appstack.phases import PHASES, capabilities
from conftest import Template, synth

ENVIRONMENTS = list(config.parse({}).environments)
#: Phase 3 needs the on-premise VPN device's address.
CONFIG = {
    "environments": {e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ENVIRONMENTS}
}
BUILDABLE = [p for p in PHASES if set(capabilities(p)) <= AVAILABLE]


@pytest.mark.parametrize("phase", BUILDABLE)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environment_and_phase_is_cfn_lint_clean(env: str, phase: int) -> None:
    findings = run_cfn_lint(synth(CONFIG, env=env, phase=phase), ["us-east-1", "eu-west-1"])
    assert findings == []


def test_cfn_lint_check_catches_a_broken_template(dev: Template) -> None:
    broken = json.loads(json.dumps(dev))
    broken["Resources"]["Service"]["Properties"]["LaunchType"] = "EC3"
    del broken["Resources"]["VPC"]
    findings = run_cfn_lint(broken, ["us-east-1"])
    assert {f.severity for f in findings} == {"error"}
    assert len(findings) >= 2


def test_the_template_keeps_the_parameters_of_the_design(dev: Template) -> None:
    params = dev["Parameters"]
    assert set(params) == {"EnvironmentSuffix", "EnvironmentName", "ApplicationName"}
    assert params["EnvironmentName"]["AllowedValues"] == ENVIRONMENTS
    assert params["EnvironmentName"]["Default"] == "dev"
    assert params["ApplicationName"]["Default"] == "myapp"


def test_the_environment_mapping_has_every_environments_vpc_range(dev: Template) -> None:
    mapping = dev["Mappings"]["EnvironmentConfig"]
    assert {env: m["VpcCidr"] for env, m in mapping.items()} == {
        "dev": "10.10.0.0/16",
        "staging": "10.20.0.0/16",
        "prod": "10.30.0.0/16",
    }


def test_outputs_are_exported_under_the_stack_name(dev: Template) -> None:
    outputs = dev["Outputs"]
    for name in (
        "ServiceUrl",
        "TableName",
        "ClusterName",
        "VpcId",
        "PublicSubnetIds",
        "PrivateSubnetIds",
    ):
        assert outputs[name]["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{name}"}


def test_every_resource_is_tagged_with_application_and_environment(dev: Template) -> None:
    untaggable = {
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::S3::BucketPolicy",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::KMS::Alias",
        "AWS::SNS::Subscription",
        "AWS::CloudWatch::Alarm",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
    }
    for logical_id, resource in dev["Resources"].items():
        if resource["Type"] in untaggable:
            continue
        tags = {t["Key"] for t in resource["Properties"].get("Tags", [])}
        assert {"Application", "Environment", "Name"} <= tags, logical_id


def test_later_phases_are_refused_until_their_capabilities_exist() -> None:
    from appstack.errors import UsageError

    missing = [p for p in PHASES if p not in BUILDABLE]
    if not missing:
        pytest.skip("every phase can be built")
    with pytest.raises(UsageError, match="cannot be built"):
        synth(CONFIG, phase=missing[0])
