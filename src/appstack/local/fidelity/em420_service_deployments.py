"""EM420-EM423: an ECS service that CloudFormation creates or updates runs tasks, and tasks
that cannot start stop with their reason.

moto 5.2.5 starts no task for a service: DescribeServices shows a count, ListTasks shows
nothing (and ignores its `serviceName` filter), and a service whose image cannot be pulled
is created as happily as any other. On AWS the service scheduler starts the desired count
of tasks for each deployment; a task whose image cannot be pulled stops with
CannotPullContainerError; the service's events say so; with the deployment circuit
breaker on, the deployment fails after its threshold of failed tasks and the CloudFormation
resource fails with "Error occurred during operation 'ECS Deployment Circuit Breaker was
triggered'." (aws/containers-roadmap#1205).

What the emulator can check of an image: one in an ECR registry (`ACCOUNT.dkr.ecr.REGION.
amazonaws.com/REPO:TAG` or `@sha256:...`) is pulled from the emulator's own ECR, so a
repository or tag that does not exist there cannot be pulled; an image in any other
registry is taken as pullable (the emulator reaches no registry).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from appstack.local.fidelity import rule

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
#: The circuit breaker's threshold of failed tasks: 0.5 x the desired count, at least 3 and
#: at most 200 (ServiceDeploymentCircuitBreaker.threshold).
_THRESHOLD_MIN, _THRESHOLD_MAX = 3, 200
#: What CloudFormation answers when the circuit breaker ends a service's deployment.
CIRCUIT_BREAKER_MESSAGE = (
    'Resource handler returned message: "Error occurred during operation '
    "'ECS Deployment Circuit Breaker was triggered'.\" "
    "(HandlerErrorCode: GeneralServiceException)"
)


#: Which of these rules are installed: EM421 makes images be checked, EM422 the breaker act.
_INSTALLED: dict[str, bool] = {"pull": False, "breaker": False}


class DeploymentFailed(Exception):
    """The service's deployment failed: CloudFormation fails the resource with this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def pull_failure(image: str) -> str | None:
    """Why `image` cannot be pulled (the task's stoppedReason), None if it can."""
    found = _ECR_IMAGE.match(image or "")
    if found is None:
        return None
    from moto.ecr.models import ecr_backends

    registry = ecr_backends[found["account"]][found["region"]]
    repository = registry.repositories.get(found["repository"])
    images = list(getattr(repository, "images", []) or [])
    if found["digest"]:
        present = any(i.image_digest == found["digest"] for i in images)
    else:
        tag = found["tag"] or "latest"
        present = any(tag in (i.image_tags or []) for i in images)
    if present:
        return None
    return (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref {image}: {image}: not found"
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _event(service: Any, message: str) -> None:
    """A service event, newest first as DescribeServices lists them."""
    from moto.moto_api._internal import mock_random

    entry = {"id": str(mock_random.uuid4()), "createdAt": _now(), "message": message}
    service.events.insert(0, entry)


def _task(backend: Any, service: Any, task_definition: Any, deployment: str) -> Any:
    """A task the service scheduler starts for `deployment`: every container of the task
    definition, RUNNING, and running until something stops it."""
    from moto.ecs import models

    cluster = backend._get_cluster(service.cluster_name)
    network = service.appstack_network or None
    task: Any = models.Task(
        cluster, task_definition, None, None, backend, group=f"service:{service.name}",
        launch_type=service.launch_type or "FARGATE", started_by=deployment,
        networking_configuration=network, platform_version="1.4.0",
    )  # fmt: skip
    task._transitions = []  # a service's task keeps running (moto stops any after a look)
    containers: list[Any] = []
    for definition in task_definition.container_definitions:
        container: Any = models.Container(task_definition)  # type: ignore[abstract]
        container.name, container.image = definition.get("name"), definition.get("image")
        container.last_status = "RUNNING"
        container.runtime_id = f"{task.id.replace('-', '')}-{len(containers)}"
        container.task_arn = task.task_arn
        containers.append(container)
    task.containers = containers
    task.last_status = "RUNNING"
    task.created_at = task.started_at = _now()
    task.enable_execute_command = service.appstack_exec
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def stop(backend: Any, task: Any, reason: str, code: str, container_reason: str = "") -> None:
    """Stop `task` as ECS does: desired and last status STOPPED, the reason, its network
    interface released."""
    task.desired_status = "STOPPED"
    task.last_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = code
    task.stopped_at = task.stopping_at = _now()
    for container in task.containers:
        container.last_status = "STOPPED"
        if container_reason:
            container.reason = container_reason
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail.get("name") == "networkInterfaceId":
                ec2 = _ec2(backend)
                ec2.enis.pop(detail["value"], None)


def _ec2(backend: Any) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[backend.account_id][backend.region_name]


def service_tasks(backend: Any, service: Any, status: str = "RUNNING") -> list[Any]:
    """The tasks of `service` whose desired status is `status`."""
    tasks = backend.tasks.get(service.cluster_name, {}).values()
    return [t for t in tasks if t.group == f"service:{service.name}" and t.desired_status == status]


def _settings(service: Any, properties: dict[str, Any]) -> None:
    """What moto's model drops and the scheduler needs: exec, the circuit breaker, the
    network of the tasks."""
    config = properties.get("DeploymentConfiguration") or {}
    breaker = config.get("DeploymentCircuitBreaker") or {}
    service.appstack_breaker = str(breaker.get("Enable", "false")).lower() == "true"
    service.enable_execute_command = service.appstack_exec = (
        str(properties.get("EnableExecuteCommand", "false")).lower() == "true"
    )
    vpc = (properties.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration") or {}
    service.appstack_network = (
        {"awsvpcConfiguration": {
            "subnets": list(vpc.get("Subnets") or []),
            "securityGroups": list(vpc.get("SecurityGroups") or []),
        }}
        if vpc.get("Subnets") else None
    )  # fmt: skip


def deploy(backend: Any, service: Any) -> str | None:
    """Run a deployment of the service's task definition: its tasks start, or stop with the
    reason they cannot start. The failure CloudFormation reports, None if it succeeded."""
    from moto.moto_api._internal import mock_random

    if _unchanged(backend, service):
        return None
    deployment = f"ecs-svc/{mock_random.randint(0, 10**18)}"
    task_definition = backend.describe_task_definition(service.task_definition)
    name, count = service.name, int(service.desired_count or 0)
    reasons = [r for d in task_definition.container_definitions
               if _INSTALLED["pull"] and (r := pull_failure(str(d.get("image", ""))))]  # fmt: skip
    if not reasons:
        _succeed(backend, service, task_definition, deployment, count)
        return None
    threshold = min(max(math.ceil(0.5 * count), _THRESHOLD_MIN), _THRESHOLD_MAX)
    for _ in range(threshold):
        task = _task(backend, service, task_definition, deployment)
        _event(service, f"(service {name}) has started 1 tasks: (task {task.id}).")
        stop(backend, task, reasons[0], "TaskFailedToStart", reasons[0])
        _event(service, f"(service {name}) (task {task.id}) failed to start: {reasons[0]}")
    _record(service, deployment, count, "FAILED", threshold)
    if not (service.appstack_breaker and _INSTALLED["breaker"]):
        # Without the breaker ECS retries for ever; CloudFormation gives up after hours.
        return f"Service {service.arn} did not stabilize."
    _event(
        service,
        f"(service {name}) (deployment {deployment}) deployment failed: tasks failed to start.",
    )
    return CIRCUIT_BREAKER_MESSAGE


def _unchanged(backend: Any, service: Any) -> bool:
    """An update that keeps the task definition of the deployment that completed, while its
    tasks run, starts no deployment: ECS deploys a new task definition (or a forced new
    deployment), not an unchanged one. This is also how a CloudFormation rollback after the
    circuit breaker meets the service: the breaker has already put the last completed
    deployment back (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html),
    so the rollback's update names what runs."""
    completed = getattr(service, "appstack_completed", None)
    return completed == service.task_definition and bool(service_tasks(backend, service))


def _succeed(backend: Any, service: Any, task_definition: Any, deployment: str, count: int) -> None:
    """The new tasks run, then the previous deployment's tasks stop."""
    service.appstack_completed = service.task_definition
    previous = service_tasks(backend, service)
    started = [_task(backend, service, task_definition, deployment) for _ in range(count)]
    if started:
        ids = " ".join(f"(task {t.id})" for t in started)
        _event(service, f"(service {service.name}) has started {len(started)} tasks: {ids}.")
    for task in previous:
        stop(
            backend, task, f"Scaling activity initiated by (deployment {deployment})",
            "ServiceSchedulerInitiated",
        )  # fmt: skip
    _record(service, deployment, count, "COMPLETED", 0)
    _event(service, f"(service {service.name}) (deployment {deployment}) deployment completed.")
    _event(service, f"(service {service.name}) has reached a steady state.")


def _record(service: Any, deployment: str, count: int, state: str, failed: int) -> None:
    running = count if state == "COMPLETED" else 0
    service.running_count, service.pending_count = running, 0
    reason = (
        f"ECS deployment {deployment} completed."
        if state == "COMPLETED"
        else "ECS deployment circuit breaker: tasks failed to start."
    )
    service.deployments = [
        {
            "id": deployment, "status": "PRIMARY", "taskDefinition": service.task_definition,
            "desiredCount": count, "runningCount": running, "pendingCount": 0,
            "failedTasks": failed, "createdAt": _now(), "updatedAt": _now(),
            "launchType": service.launch_type or "FARGATE", "rolloutState": state,
            "rolloutStateReason": reason,
        }
    ]  # fmt: skip


def _deploying(original: Any) -> Any:
    """Wrap a CloudFormation entry point of AWS::ECS::Service: after moto made the change,
    the scheduler deploys it; a failed deployment fails the resource."""

    def wrapped(cls: Any, *args: Any, **kwargs: Any) -> Any:
        from moto.ecs.models import ecs_backends

        service = original(cls, *args, **kwargs)
        given = [*args, *kwargs.values()]
        json = next(a for a in given if isinstance(a, dict) and "Properties" in a)
        account, region = service._account_id, service.region_name
        _settings(service, json.get("Properties") or {})
        backend = ecs_backends[account][region]
        failure = deploy(backend, service)
        if failure:
            if "original_resource" not in kwargs and isinstance(given[0], str):  # created:
                # the rollback deletes it
                backend.delete_service(service.cluster_name, service.name, force=True)
            raise DeploymentFailed(failure)
        return service

    return wrapped


@rule(
    "EM420",
    "A service runs its desired count of tasks, one deployment after another",
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
)
def services_run_tasks() -> None:
    """Rolling update: the scheduler starts the new deployment's tasks and stops the old
    ones once the new ones run. The tasks belong to the service (group `service:NAME`,
    startedBy the deployment id) and carry the service's enableExecuteCommand."""
    from moto.ecs.models import Service

    for name in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        original = Service.__dict__[name].__func__
        setattr(Service, name, classmethod(_deploying(original)))


@rule(
    "EM421",
    "A task whose image cannot be pulled stops with CannotPullContainerError",
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
)
def unpullable_images_stop_tasks() -> None:
    """The task stops (stopCode TaskFailedToStart) with the pull error as its stoppedReason
    and its container's reason; the service's events say it failed to start
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html).
    EM420's deployment checks each container's image (`pull_failure`) once this is on."""
    _INSTALLED["pull"] = True


@rule(
    "EM422",
    "The deployment circuit breaker fails the deployment and the CloudFormation resource",
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html",
)
def circuit_breaker_fails_the_resource() -> None:
    """After its threshold of failed tasks (0.5 x desired, 3 to 200), the deployment is
    FAILED and CloudFormation fails AWS::ECS::Service with "Error occurred during operation
    'ECS Deployment Circuit Breaker was triggered'."; with rollback on, ECS goes back to the
    last completed deployment (CloudFormation's rollback re-applies it here). Without the
    breaker ECS keeps retrying and CloudFormation reports, hours later, that the service
    did not stabilize."""
    _INSTALLED["breaker"] = True


@rule(
    "EM423",
    "ListTasks lists RUNNING tasks unless asked otherwise, and only a named service's",
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html",
)
def list_tasks_by_service() -> None:
    """ "Specifying a serviceName limits the results to tasks that belong to that service";
    desiredStatus: "The default status filter is RUNNING". moto ignores the first (it has no
    service tasks to filter) and lists every task without the second."""
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.list_tasks

    def list_tasks(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        names = ("cluster_str", "container_instance", "family", "started_by", "service_name",
                 "desiredStatus")  # fmt: skip
        given = dict(zip(names, args, strict=False)) | kwargs
        service_name = given.get("service_name")
        given["desiredStatus"] = given.get("desiredStatus") or "RUNNING"
        tasks: list[Any] = original(self, **given)
        if service_name:
            group = f"service:{str(service_name).split('/')[-1]}"
            tasks = [t for t in tasks if t.group == group]
        return tasks

    setattr(EC2ContainerServiceBackend, "list_tasks", list_tasks)  # noqa: B010
