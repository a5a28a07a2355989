"""Tracing: an X-Ray daemon beside the application, allowed to send traces, and a sampling rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from appstack.config import MAX_APP_NAME
from conftest import Template, of_type, props, refs, synth

TRACING = {"environments": {"dev": {"features": {"tracing": True}}}}


def sampling_rule_limit(name: str) -> int:
    """maxLength of a SamplingRule property in the AWS::XRay::SamplingRule resource schema."""
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", "AWS::XRay::SamplingRule")
    definitions = schema.schema["definitions"]
    found = definitions["SamplingRule"]["properties"][name]
    if "$ref" in found:
        found = definitions[found["$ref"].rsplit("/", 1)[-1]]
    limit: int = found["maxLength"]
    return limit


@pytest.fixture(scope="module")
def traced() -> Template:
    return synth(TRACING)


def containers(template: Template) -> dict[str, dict[str, Any]]:
    return {c["Name"]: c for c in props(template, "TaskDefinition")["ContainerDefinitions"]}


def test_the_daemon_runs_beside_the_application_from_awss_public_registry(
    traced: Template,
) -> None:
    daemon = containers(traced)["xray-daemon"]
    assert daemon["Image"].startswith("public.ecr.aws/xray/aws-xray-daemon:")
    assert daemon["Essential"] is False  # a tracing failure does not stop the application


def test_the_daemon_image_is_pinned_to_a_release_not_latest(traced: Template) -> None:
    # A moving tag changes the sidecar at the next task start, with no deploy to review it.
    tag = containers(traced)["xray-daemon"]["Image"].rsplit(":", 1)[1]
    assert re.fullmatch(r"\d+\.\d+\.\d+", tag), tag


def test_the_daemon_reserves_little_of_the_task(traced: Template) -> None:
    daemon = containers(traced)["xray-daemon"]
    assert daemon["Cpu"] == 32 and daemon["MemoryReservation"] == 256
    assert "Memory" not in daemon  # a reservation, not a hard limit
    task = props(traced, "TaskDefinition")
    assert daemon["Cpu"] < int(task["Cpu"]) and daemon["MemoryReservation"] < int(task["Memory"])


def test_the_daemon_logs_to_the_application_log_group(traced: Template) -> None:
    logs = containers(traced)["xray-daemon"]["LogConfiguration"]
    assert logs["LogDriver"] == "awslogs"
    assert logs["Options"]["awslogs-group"] == {"Ref": "AppLogGroup"}
    assert logs["Options"]["awslogs-stream-prefix"] == "xray-daemon"


def test_the_application_finds_the_daemon_on_localhost(traced: Template) -> None:
    env = {e["Name"]: e["Value"] for e in containers(traced)["app"]["Environment"]}
    assert env["AWS_XRAY_DAEMON_ADDRESS"] == "127.0.0.1:2000"
    assert (
        env["AWS_XRAY_TRACING_NAME"] == props(traced, "SamplingRule")["SamplingRule"]["ServiceName"]
    )


def test_no_security_group_opens_udp_2000_for_a_sidecar(traced: Template) -> None:
    for group in of_type(traced, "AWS::EC2::SecurityGroup").values():
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            assert rule["IpProtocol"] != "udp"
    assert all(
        r["Properties"]["IpProtocol"] != "udp"
        for r in of_type(traced, "AWS::EC2::SecurityGroupIngress").values()
    )


def test_the_task_role_may_send_traces_on_any_resource(traced: Template) -> None:
    # The application's own policy (ECS Exec's: blueprint/test_shell.py).
    [policy] = [
        p for p in props(traced, "TaskRole")["Policies"] if p["PolicyName"] == "application"
    ]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    xray = statements["SendTracesToXRay"]
    assert set(xray["Action"]) == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    }
    # No X-Ray write action supports resource-level permissions.
    assert xray["Resource"] == ["*"]


def test_the_sampling_rule_has_every_required_field(traced: Template) -> None:
    rule = props(traced, "SamplingRule")["SamplingRule"]
    required = {
        "FixedRate",
        "Host",
        "HTTPMethod",
        "Priority",
        "ReservoirSize",
        "ResourceARN",
        "ServiceName",
        "ServiceType",
        "URLPath",
    }
    assert required <= set(rule)
    assert 0 <= rule["FixedRate"] <= 1 and 1 <= rule["Priority"] <= 9999
    assert rule["Version"] == 1


def test_the_rule_is_named_once_inside_the_sampling_rule(traced: Template) -> None:
    resource = props(traced, "SamplingRule")
    # RuleName and SamplingRule.RuleName name the same thing: giving both invites a mismatch.
    assert "RuleName" not in resource
    assert "RuleName" in resource["SamplingRule"]


def test_the_rule_name_fits_32_characters_whatever_the_names() -> None:
    # Application (24) and suffix (20) names together could be 45: the name uses neither.
    long = {"application_name": "a" * MAX_APP_NAME, **TRACING}
    name = props(synth(long), "SamplingRule")["SamplingRule"]["RuleName"]
    prefix, parts = name["Fn::Join"]
    assert prefix == "-"
    literal = "".join(p for p in parts if isinstance(p, str))
    stack_id_hex_digits = 8
    assert len(literal) + len(prefix) + stack_id_hex_digits <= sampling_rule_limit("RuleName")
    assert refs(name) == {"AWS::StackId"}  # no parameter of unbounded length


def test_the_rule_matches_only_this_service(traced: Template) -> None:
    service_name = props(traced, "SamplingRule")["SamplingRule"]["ServiceName"]
    assert service_name == {"Fn::Sub": "${ApplicationName}-${EnvironmentSuffix}"}
    assert sampling_rule_limit("ServiceName") >= MAX_APP_NAME + 1 + 20


def test_without_the_feature_the_task_has_only_the_application(dev: Template) -> None:
    assert list(containers(dev)) == ["app"]
    assert of_type(dev, "AWS::XRay::SamplingRule") == {}
