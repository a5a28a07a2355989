"""Shared helpers: build templates from configs and look into them."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from appstack import blueprint, config
from appstack.template import references, resources

Template = dict[str, Any]

# Every test checks its templates for real, and no test run fills the user's cache
# (tests/checks/test_validation_cache.py turns the cache on in a directory of its own).
os.environ["APPSTACK_NO_CACHE"] = "1"

#: Every name a value refers to (Ref, Fn::GetAtt, Fn::Sub): the one template walker.
refs = references


def synth(data: dict[str, Any] | None = None, env: str = "dev", phase: int = 1) -> Template:
    """The template (as a dict) of `env` at `phase` for a config mapping."""
    app = config.parse(data or {})
    return blueprint.to_dict(blueprint.build(config.resolve(app, env, phase)))


def of_type(template: Template, type_name: str) -> dict[str, dict[str, Any]]:
    """The resources of one type, by logical ID."""
    return resources(template, type_name)


def props(template: Template, logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"][logical_id].get("Properties", {})
    return properties


def statements(template: Template, role: str) -> list[dict[str, Any]]:
    """The statements of every inline policy of the IAM role `role`."""
    return [
        s
        for policy in props(template, role).get("Policies", [])
        for s in policy["PolicyDocument"]["Statement"]
    ]


@pytest.fixture(scope="session")
def build_template() -> Callable[..., Template]:
    cache: dict[tuple[str, int, str], Template] = {}

    def get(env: str = "dev", phase: int = 1, data: dict[str, Any] | None = None) -> Template:
        key = (env, phase, repr(data))
        if key not in cache:
            cache[key] = synth(data, env, phase)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def dev(build_template: Callable[..., Template]) -> Template:
    return build_template("dev")


@pytest.fixture(scope="session")
def prod(build_template: Callable[..., Template]) -> Template:
    return build_template("prod")


def _emulator_log(port: int) -> Any:
    import os
    import subprocess
    from pathlib import Path

    folder = os.environ.get("APPSTACK_TEST_EMULATOR_LOG")
    if not folder:
        return subprocess.DEVNULL
    Path(folder).mkdir(parents=True, exist_ok=True)
    return (Path(folder) / f"emulator-{port}.log").open("w")


@pytest.fixture(scope="session")
def emulator_endpoint() -> Any:
    """A moto server with appstack's models on a free local port; fake credentials only."""
    import os
    import socket
    import subprocess
    import sys
    import time

    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "appstack.local.server", "-H", "127.0.0.1", "-p", str(port)],
        # APPSTACK_TEST_EMULATOR_LOG=DIR keeps each emulator's output (its tracebacks) there.
        stdout=_emulator_log(port),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        # It finishes the requests it is serving first (moto exits through sys.exit, and a
        # large state takes long): under load that takes a while.
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def remove_stack(cfn: Any, stack_name: str) -> None:
    """Delete a test's stack as its owner would: termination protection (prod) and the
    deletion protection of its load balancer and database lifted first. A stack that does
    not exist is fine (DeleteStack answers it with success too)."""
    import boto3
    from botocore.exceptions import ClientError

    try:
        cfn.update_termination_protection(StackName=stack_name, EnableTerminationProtection=False)
    except ClientError as exc:
        if "does not exist" not in str(exc):
            raise
        return
    where = {"region_name": cfn.meta.region_name, "endpoint_url": cfn.meta.endpoint_url}
    pages = cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name)
    for resource in (r for page in pages for r in page["StackResourceSummaries"]):
        physical = resource.get("PhysicalResourceId")
        if resource["ResourceType"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            boto3.client("elbv2", **where).modify_load_balancer_attributes(
                LoadBalancerArn=physical,
                Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}],
            )
        elif resource["ResourceType"] == "AWS::RDS::DBCluster":
            boto3.client("rds", **where).modify_db_cluster(
                DBClusterIdentifier=physical, DeletionProtection=False, ApplyImmediately=True
            )
    cfn.delete_stack(StackName=stack_name)
