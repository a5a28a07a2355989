"""The values of the application's own secrets (`secrets:` in the config): put one, list them.

The stack owns each secret (blueprint/named_secrets.py: encrypted with the environment's key,
read by the task execution role); here only its value changes. PutSecretValue makes the new
value AWSCURRENT (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html),
and the previous one AWSPREVIOUS. ECS reads a secret when a task starts, so running tasks
keep the old value until they are replaced: putting a value rolls the service
(UpdateService with forceNewDeployment, "to start a new deployment with no service
definition changes": https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).

A secret has a value of its owner's once it has more than the one version CloudFormation
made with its generated placeholder (DescribeSecret's VersionIdsToStages).
Values never leave this module: nothing here returns, logs or raises one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from appstack.blueprint.named_secrets import name_of
from appstack.deploy import stacks
from appstack.deploy.session import Connection


@dataclass(frozen=True)
class StoredSecret:
    """One application secret as Secrets Manager describes it (never its value)."""

    name: str
    arn: str
    created: datetime | None
    changed: datetime | None
    #: Whether it holds a value put by its owner (not only the generated placeholder).
    has_value: bool


@dataclass(frozen=True)
class Rolled:
    """A value put, and the deployment of the service that brings it to the tasks."""

    name: str
    arn: str
    version: str
    cluster: str
    service: str
    deployment: str


def deployed(cfn: Any, stack_name: str) -> dict[str, str]:
    """The application secrets the stack holds: name -> ARN (their logical ids are only
    theirs: `named_secrets.logical_id`)."""
    held = stacks.physical_ids(cfn, stack_name).items()
    return {name: arn for logical, arn in held if (name := name_of(logical))}


def describe(secretsmanager: Any, name: str, arn: str) -> StoredSecret:
    answer = secretsmanager.describe_secret(SecretId=arn)
    versions = answer.get("VersionIdsToStages", {})
    return StoredSecret(
        name, arn, answer.get("CreatedDate"), answer.get("LastChangedDate"), len(versions) > 1
    )


def listing(conn: Connection, stack_name: str) -> list[StoredSecret]:
    """Every application secret of the stack, by name."""
    cfn = conn.client("cloudformation")
    stacks.require(cfn, stack_name)
    secretsmanager = conn.client("secretsmanager")
    return [
        describe(secretsmanager, name, arn)
        for name, arn in sorted(deployed(cfn, stack_name).items())
    ]


def put(conn: Connection, stack_name: str, env: str, name: str, value: str) -> Rolled:
    """Make `value` the secret's current value, then roll the service so new tasks read it."""
    cfn = conn.client("cloudformation")
    found = stacks.require(cfn, stack_name)
    arn = deployed(cfn, stack_name).get(name)
    if not arn:
        raise stacks.DeployError(
            f"stack {stack_name} holds no secret {name}: deploy it first (with {name} in "
            f"`secrets:` of appstack.yaml: appstack deploy {stack_name} {env}), then set it"
        )
    if not value:
        raise stacks.DeployError(f"the value of {name} is empty; nothing was changed")
    answer = conn.client("secretsmanager").put_secret_value(
        SecretId=arn, SecretString=value, ClientRequestToken=str(uuid.uuid4())
    )
    outputs = stacks.outputs(found)
    cluster, service = outputs.get("ClusterName"), outputs.get("ServiceName")
    if not cluster or not service:
        raise stacks.DeployError(
            f"{name} of {stack_name} is set, but the stack names no service to roll (outputs "
            f"ClusterName, ServiceName); new tasks read it when they start"
        )
    updated = conn.client("ecs").update_service(
        cluster=cluster, service=service, forceNewDeployment=True
    )["service"]
    primary: dict[str, Any] = next(
        (d for d in updated.get("deployments", []) if d.get("status") == "PRIMARY"), {}
    )
    return Rolled(name, arn, answer["VersionId"], cluster, service, primary.get("id", ""))
