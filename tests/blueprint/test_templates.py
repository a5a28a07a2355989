"""Every environment's template: the shared interface, and cfn-lint clean."""

from __future__ import annotations

import json
import re

import pytest

from appstack import config
from appstack.checks.lint import run_cfn_lint
from appstack.phases import PHASES
from conftest import Template, synth

ENVIRONMENTS = list(config.parse({}).environments)
#: Phase 3 needs the on-premise VPN device's address.
CONFIG = {
    "environments": {e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ENVIRONMENTS}
}
BUILDABLE = list(PHASES)


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


def test_cfn_lint_checks_the_template_with_the_values_it_is_deployed_with(dev: Template) -> None:
    """appstack deploys with the parameters' defaults, so cfn-lint resolves EnvironmentName
    to dev: a broken range of dev's is found; other environments' are their templates' job."""
    from appstack.checks.lint import deployed_parameters

    assert deployed_parameters(dev) == {
        "EnvironmentSuffix": "dev",
        "EnvironmentName": "dev",
        "ApplicationName": "myapp",
        "AppImage": "public.ecr.aws/nginx/nginx:stable",
    }
    broken = json.loads(json.dumps(dev))
    broken["Mappings"]["EnvironmentConfig"]["dev"]["PublicSubnet1Cidr"] = "10.10.0.0/99"
    assert [f.resource for f in run_cfn_lint(broken, ["us-east-1"])] == ["PublicSubnet1"]


def test_the_template_keeps_the_parameters_of_the_design(dev: Template) -> None:
    params = dev["Parameters"]
    assert set(params) == {"EnvironmentSuffix", "EnvironmentName", "ApplicationName", "AppImage"}
    assert params["EnvironmentName"]["AllowedValues"] == ENVIRONMENTS
    assert params["EnvironmentName"]["Default"] == "dev"
    assert params["ApplicationName"]["Default"] == "myapp"


def test_name_parameters_refuse_what_a_database_cluster_identifier_refuses(dev: Template) -> None:
    # DBClusterIdentifier: letters, digits, hyphens; no two hyphens in a row, none at the end
    # (AWS::RDS::DBCluster). Both parameters are joined into it.
    params = dev["Parameters"]
    for name, longest in (("EnvironmentSuffix", 20), ("ApplicationName", 24)):
        pattern = re.compile(params[name]["AllowedPattern"])
        assert params[name]["MaxLength"] == longest
        assert pattern.match("dev") and pattern.match("my-app2")
        for refused in ("my--app", "myapp-", "-myapp", "My-app"):
            assert not pattern.match(refused), (name, refused)


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


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_bucket_but_the_access_log_bucket_logs_its_access_there(env: str) -> None:
    template = synth(CONFIG, env=env, phase=max(BUILDABLE))
    buckets = {
        k: v.get("Properties", {})
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::S3::Bucket"
    }
    # The Config and trail buckets are the account baseline's (tests/blueprint/test_baseline.py).
    assert "AccessLogBucket" in buckets
    policy = template["Resources"]["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]
    granted = [
        s
        for s in policy["Statement"]
        if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}
    ]
    assert len(granted) == 1 and granted[0]["Effect"] == "Allow"
    assert granted[0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }
    allowed_prefix = granted[0]["Resource"][0]["Fn::Sub"].removeprefix("${AccessLogBucket.Arn}/")
    for name, props in buckets.items():
        if name == "AccessLogBucket":
            assert "LoggingConfiguration" not in props  # it would log its own log writes
            continue
        logging = props["LoggingConfiguration"]
        assert logging["DestinationBucketName"] == {"Ref": "AccessLogBucket"}, name
        assert (logging["LogFilePrefix"] + "x").startswith(allowed_prefix.rstrip("*")), name
        # S3 may only write once the policy exists.
        assert "AccessLogBucketPolicy" in template["Resources"][name]["DependsOn"], name
