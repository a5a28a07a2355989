"""EM420-EM423: a service CloudFormation deploys runs its tasks; tasks that cannot start stop
with their reason, and the deployment circuit breaker fails the resource.

Rolling update: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html;
CannotPullContainerError: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html;
circuit breaker: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
(its CloudFormation message: aws/containers-roadmap#1205);
ListTasks: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

REGION = "ca-west-1"
MISSING = "123456789012.dkr.ecr.ca-west-1.amazonaws.com/nothing-here:1"
PUBLIC = "public.ecr.aws/nginx/nginx:stable"


def template(image: str, count: int = 2, breaker: bool = True) -> dict[str, Any]:
    return {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": "em420",
                    "ContainerDefinitions": [
                        {"Name": "app", "Image": image, "Memory": 512},
                        {"Name": "sidecar", "Image": PUBLIC, "Memory": 128},
                    ],
                },
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "TaskDefinition": {"Ref": "Task"},
                    "DesiredCount": count,
                    "EnableExecuteCommand": True,
                    "DeploymentConfiguration": {
                        "DeploymentCircuitBreaker": {"Enable": breaker, "Rollback": breaker}
                    },
                },
            },
        },
        "Outputs": {
            "Cluster": {"Value": {"Ref": "Cluster"}},
            "Service": {"Value": {"Fn::GetAtt": ["Service", "Name"]}},
        },
    }


@pytest.fixture(scope="module")
def clients(emulator_endpoint: str) -> tuple[Any, Any]:
    where = {"region_name": REGION, "endpoint_url": emulator_endpoint}
    return boto3.client("cloudformation", **where), boto3.client("ecs", **where)


def create(cfn: Any, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create the stack (the emulator runs it to its end within the call)."""
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(body))
    [stack] = cfn.describe_stacks(StackName=name)["Stacks"]
    return dict(stack)


def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_a_service_runs_its_desired_count_of_tasks_with_every_container(
    clients: tuple[Any, Any],
) -> None:
    cfn, ecs = clients
    found = outputs(create(cfn, "em420-runs", template(PUBLIC)))
    arns = ecs.list_tasks(cluster=found["Cluster"], serviceName=found["Service"])["taskArns"]
    tasks = ecs.describe_tasks(cluster=found["Cluster"], tasks=arns)["tasks"]
    assert len(tasks) == 2
    for task in tasks:
        assert task["lastStatus"] == "RUNNING" and task["group"] == f"service:{found['Service']}"
        assert task["enableExecuteCommand"] is True
        assert task["createdAt"] <= task["startedAt"]
        assert [c["name"] for c in task["containers"]] == ["app", "sidecar"]
    # Looked at again, a service's task is still running (moto stops a task once described).
    again = ecs.describe_tasks(cluster=found["Cluster"], tasks=arns)["tasks"]
    assert {t["lastStatus"] for t in again} == {"RUNNING"}


def test_list_tasks_lists_only_the_named_services_running_tasks(
    clients: tuple[Any, Any],
) -> None:
    cfn, ecs = clients
    one = outputs(create(cfn, "em423-one", template(PUBLIC, count=1)))
    ecs.create_service(cluster=one["Cluster"], serviceName="other", taskDefinition="em420")
    listed = ecs.list_tasks(cluster=one["Cluster"], serviceName="other")["taskArns"]
    assert listed == []
    assert len(ecs.list_tasks(cluster=one["Cluster"], serviceName=one["Service"])["taskArns"]) == 1


def test_an_image_that_cannot_be_pulled_stops_its_tasks_and_the_circuit_breaker_fails_the_service(
    clients: tuple[Any, Any],
) -> None:
    cfn, ecs = clients
    good = outputs(create(cfn, "em421-update", template(PUBLIC, count=1)))
    cfn.update_stack(StackName="em421-update", TemplateBody=json.dumps(template(MISSING, 1)))
    [stack] = cfn.describe_stacks(StackName="em421-update")["Stacks"]
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    failed = [
        e
        for e in cfn.describe_stack_events(StackName="em421-update")["StackEvents"]
        if e["LogicalResourceId"] == "Service" and e["ResourceStatus"] == "UPDATE_FAILED"
    ]
    assert "ECS Deployment Circuit Breaker was triggered" in failed[0]["ResourceStatusReason"]
    cluster, service = good["Cluster"], good["Service"]
    stopped = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="STOPPED")
    tasks = ecs.describe_tasks(cluster=cluster, tasks=stopped["taskArns"])["tasks"]
    assert len(tasks) == 3  # the breaker's least threshold
    for task in tasks:
        assert task["stopCode"] == "TaskFailedToStart"
        assert task["stoppedReason"].startswith("CannotPullContainerError: ")
        assert MISSING in task["containers"][0]["reason"]
    [described] = ecs.describe_services(cluster=cluster, services=[service])["services"]
    messages = [e["message"] for e in described["events"]]
    assert any("deployment failed: tasks failed to start" in m for m in messages)
    # The deployment that ran before still does.
    assert len(ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]) == 1


def test_an_image_in_the_emulators_registry_is_pulled(clients: tuple[Any, Any]) -> None:
    cfn, _ = clients
    where = {"region_name": REGION, "endpoint_url": cfn.meta.endpoint_url}
    ecr = boto3.client("ecr", **where)
    ecr.create_repository(repositoryName="em421-present")
    manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json"}'
    ecr.put_image(repositoryName="em421-present", imageManifest=manifest, imageTag="v1")
    image = "123456789012.dkr.ecr.ca-west-1.amazonaws.com/em421-present:v1"
    assert create(cfn, "em421-present", template(image, 1))["StackStatus"] == "CREATE_COMPLETE"


def test_without_the_circuit_breaker_the_service_does_not_stabilize(
    clients: tuple[Any, Any],
) -> None:
    cfn, _ = clients
    stack = create(cfn, "em422-no-breaker", template(MISSING, 1, breaker=False))
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in cfn.describe_stack_events(StackName="em422-no-breaker")["StackEvents"]
        if e["LogicalResourceId"] == "Service"
    ]
    assert any(r.endswith("did not stabilize.") for r in reasons)
