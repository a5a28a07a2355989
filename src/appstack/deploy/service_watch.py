"""Follow the ECS service while a stack operation changes it: its events, the tasks that stop.

When a new task cannot start, CloudFormation only says, once the deployment circuit breaker
gave up, "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'"
(aws/containers-roadmap#1205), or after hours without it, that the service did not
stabilize. The reason is on the stopped task: its stoppedReason and each container's reason
or exit code (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html).
A `ServiceWatch` reads the service's events (DescribeServices) and its stopped tasks
(ListTasks with serviceName and desiredStatus STOPPED, then DescribeTasks) while the
service resource is in progress, hands each as an `events.Event` (status `SERVICE_EVENT` or
`TASK_STOPPED`) to the operation's progress, and names the stopped task's reason as the root
cause of a failure of the service. Stopped tasks stay visible for at least an hour
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html), so a last
look once the operation failed still finds them.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.deploy import events

SERVICE_TYPE = "AWS::ECS::Service"
#: Statuses of the notices a watch hands to the progress, beside CloudFormation's events.
SERVICE_EVENT = "SERVICE_EVENT"
TASK_STOPPED = "TASK_STOPPED"
#: A task the scheduler stopped because a newer deployment replaced it: no failure.
_REPLACED = "Scaling activity initiated by"
#: How far before the operation's start (clock skew) a stopped task still counts as its own.
_SKEW = timedelta(seconds=30)
#: DescribeTasks takes at most 100 tasks a call.
_PAGE = 100


@dataclass(frozen=True)
class StoppedTask:
    id: str
    #: The task's stoppedReason, e.g. "CannotPullContainerError: ..." or "Essential
    #: container in task exited".
    reason: str
    stop_code: str
    #: What each container says: "app: <reason>" or "app exited with code 1".
    containers: tuple[str, ...] = ()
    stopped_at: datetime | None = None

    @property
    def failed(self) -> bool:
        return not self.reason.startswith(_REPLACED)

    @property
    def cause(self) -> str:
        """The reason in one line: the task's, then what its containers add."""
        added = [c for c in self.containers if c.split(": ", 1)[-1] not in self.reason]
        extra = f" ({'; '.join(added)})" if added else ""
        return f"task {self.id} stopped: {self.reason or self.stop_code}{extra}"


def stopped_task(task: dict[str, Any]) -> StoppedTask:
    """A stopped task as DescribeTasks describes it."""
    said = []
    for container in task.get("containers", []):
        name = container.get("name", "?")
        if container.get("reason"):
            said.append(f"{name}: {container['reason']}")
        elif container.get("exitCode") not in (None, 0):
            said.append(f"{name} exited with code {container['exitCode']}")
    return StoppedTask(
        task.get("taskArn", "").rsplit("/", 1)[-1],
        task.get("stoppedReason", ""),
        task.get("stopCode", ""),
        tuple(said),
        task.get("stoppedAt"),
    )


def services_of(template: dict[str, Any]) -> dict[str, str]:
    """Each ECS service of the template, by logical id, with the logical id of its cluster."""
    found = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != SERVICE_TYPE:
            continue
        cluster = resource.get("Properties", {}).get("Cluster")
        if isinstance(cluster, dict) and "Ref" in cluster:
            found[logical_id] = cluster["Ref"]
    return found


@dataclass
class ServiceWatch:
    """The services of one stack operation, watched while CloudFormation works on them."""

    cfn: Any
    ecs: Any
    stack_name: str
    #: Service logical id -> cluster logical id (`services_of`).
    services: dict[str, str]
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    _active: set[str] = field(default_factory=set)
    _where: dict[str, tuple[str, str]] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    stopped: list[StoppedTask] = field(default_factory=list)

    def saw(self, fresh: list[events.Event]) -> list[events.Event]:
        """Take the operation's new events; answer what the services said meanwhile (a
        service is looked at while in progress, and once more when it ended)."""
        touched = set(self._active)
        for event in fresh:
            if event.logical_id in self.services:
                touched.add(event.logical_id)
                if event.status.endswith("_IN_PROGRESS"):
                    self._active.add(event.logical_id)
                else:
                    self._active.discard(event.logical_id)
        notices: list[events.Event] = []
        for logical_id in sorted(touched):
            notices += self._look(logical_id)
        return notices

    def explain(self, failure: events.Event | None) -> events.Event | None:
        """The root cause of the operation: a failure of a service becomes the reason its
        newest failed task stopped with, when there is one."""
        if failure is None or failure.logical_id not in self.services:
            return failure
        self._look(failure.logical_id)
        failed = [t for t in self.stopped if t.failed]
        if not failed:
            return failure
        newest = max(failed, key=lambda t: t.stopped_at or self.started)
        return dataclasses.replace(
            failure, reason=f"{newest.cause}; CloudFormation said: {failure.reason}"
        )

    def _look(self, logical_id: str) -> list[events.Event]:
        where = self._locate(logical_id)
        if where is None:
            return []
        cluster, service = where
        try:
            return self._service_events(logical_id, cluster, service) + self._stopped_tasks(
                logical_id, cluster, service
            )
        except (ClientError, BotoCoreError):  # throttled, or gone: the next look may see
            return []

    def _locate(self, logical_id: str) -> tuple[str, str] | None:
        if logical_id not in self._where:
            try:
                found = self._physical_ids()
            except (ClientError, BotoCoreError):
                return None
            service, cluster = found.get(logical_id), found.get(self.services[logical_id])
            if not (service and cluster):
                return None
            self._where[logical_id] = (cluster, service)
        return self._where[logical_id]

    def _physical_ids(self) -> dict[str, str]:
        from appstack.deploy import stacks  # stacks follows with a watch: imported late

        return stacks.physical_ids(self.cfn, self.stack_name)

    def _recent(self, when: datetime | None) -> bool:
        return when is None or when >= self.started - _SKEW

    def _service_events(self, logical_id: str, cluster: str, service: str) -> list[events.Event]:
        described = self.ecs.describe_services(cluster=cluster, services=[service])["services"]
        notices = []
        for item in reversed(described[0].get("events", []) if described else []):
            if item["id"] in self._seen or not self._recent(item.get("createdAt")):
                continue
            self._seen.add(item["id"])
            notices.append(_notice(logical_id, SERVICE_EVENT, item["message"], item["createdAt"]))
        return notices

    def _stopped_tasks(self, logical_id: str, cluster: str, service: str) -> list[events.Event]:
        pages = self.ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, serviceName=service, desiredStatus="STOPPED"
        )
        arns = [a for page in pages for a in page["taskArns"] if a not in self._seen]
        notices = []
        for start in range(0, len(arns), _PAGE):
            chunk = arns[start : start + _PAGE]
            for task in self.ecs.describe_tasks(cluster=cluster, tasks=chunk)["tasks"]:
                self._seen.add(task["taskArn"])
                if not self._recent(task.get("createdAt")):
                    continue
                stopped = stopped_task(task)
                self.stopped.append(stopped)
                if stopped.failed:
                    when = stopped.stopped_at or datetime.now(UTC)
                    notices.append(_notice(logical_id, TASK_STOPPED, stopped.cause, when))
        return notices


def _notice(logical_id: str, status: str, message: str, when: datetime) -> events.Event:
    return events.Event(str(uuid.uuid4()), when, logical_id, SERVICE_TYPE, status, message)


def deployed(stack: dict[str, Any]) -> tuple[str, str]:
    """The cluster and service of a deployed stack of appstack's (its outputs
    ClusterName and ServiceName), as `stacks.describe` found it."""
    from appstack.errors import UsageError

    found = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    if not ("ClusterName" in found and "ServiceName" in found):
        raise UsageError(
            f"stack {stack['StackName']} has no ECS service of appstack's (no ClusterName and "
            f"ServiceName outputs, status {stack['StackStatus']}): name a stack appstack "
            "deployed, once its deploy completed"
        )
    return found["ClusterName"], found["ServiceName"]


def watch(conn: Any, stack_name: str, template: dict[str, Any]) -> ServiceWatch | None:
    """A watch of the template's services (None: it has none)."""
    services = services_of(template)
    if not services:
        return None
    return ServiceWatch(conn.client("cloudformation"), conn.client("ecs"), stack_name, services)
