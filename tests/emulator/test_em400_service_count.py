"""The service's task count belongs to autoscaling once the service exists.

The template leaves `DesiredCount` out (aws/containers-roadmap#493): CloudFormation then
creates the service with one task and omits the count from every later update
(AWS::ECS::Service DesiredCount, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html),
and registering the scalable target moves the count into [min_count, max_count]
(https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from conftest import synth

REGION = "ap-southeast-2"
SCALED = {"environments": {"dev": {"min_count": 2, "max_count": 10, "desired_count": 2}}}
NEW_IMAGE = "public.ecr.aws/nginx/nginx:mainline"


def deploy(conn: Connection, name: str, data: dict[str, Any]) -> stacks.Outcome:
    template = synth(data, env="dev", phase=1)
    change_set, _ = stacks.plan(conn, name, stacks.current(conn, name), template)
    return stacks.apply(conn, change_set, template, production=False)


def service(conn: Connection, outputs: dict[str, str]) -> dict[str, Any]:
    [found] = conn.client("ecs").describe_services(
        cluster=outputs["ClusterName"], services=[outputs["ServiceName"]]
    )["services"]
    return dict(found)


@pytest.fixture(scope="module")
def conn(emulator_endpoint: str) -> Connection:
    return Connection(REGION, endpoint=emulator_endpoint)


def test_a_new_service_starts_at_the_autoscaling_minimum(conn: Connection) -> None:
    outcome = deploy(conn, "count-created", SCALED)
    assert service(conn, outcome.outputs)["desiredCount"] == 2


def test_a_deploy_keeps_the_count_autoscaling_set(conn: Connection) -> None:
    outcome = deploy(conn, "count-kept", SCALED)
    # Autoscaling scales out under load (it calls UpdateService with a new desired count).
    conn.client("ecs").update_service(
        cluster=outcome.outputs["ClusterName"],
        service=outcome.outputs["ServiceName"],
        desiredCount=7,
    )
    # A deploy that updates the service itself (its load balancer's container port).
    after = deploy(conn, "count-kept", {**SCALED, "port": 8080})
    assert after.status == "UPDATE_COMPLETE"
    assert service(conn, outcome.outputs)["desiredCount"] == 7


def test_a_service_created_without_a_count_runs_one_task(emulator_endpoint: str) -> None:
    """EM400: moto created it with none."""
    template = {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": "one-task",
                    "ContainerDefinitions": [{"Name": "app", "Image": NEW_IMAGE, "Memory": 512}],
                },
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "Properties": {"Cluster": {"Ref": "Cluster"}, "TaskDefinition": {"Ref": "Task"}},
            },
        },
        "Outputs": {
            "ClusterName": {"Value": {"Ref": "Cluster"}},
            "ServiceName": {"Value": {"Fn::GetAtt": ["Service", "Name"]}},
        },
    }
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="one-task", TemplateBody=json.dumps(template))
    [stack] = cfn.describe_stacks(StackName="one-task")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    conn = Connection(REGION, endpoint=emulator_endpoint)
    assert service(conn, outputs)["desiredCount"] == 1
