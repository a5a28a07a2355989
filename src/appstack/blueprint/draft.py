"""The template under construction and what capabilities hand each other.

`Draft` wraps a troposphere Template with the parameters every appstack template has
(`EnvironmentSuffix`, `EnvironmentName`, `ApplicationName`), naming and tagging helpers,
and `TaskNeeds`: what capabilities ask of the application's task (environment variables,
secrets, permissions, sidecars, network egress) before the service is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from awacs.aws import Action, Allow, Statement
from troposphere import (
    AWSObject,
    Export,
    FindInMap,
    GetAtt,
    Output,
    Parameter,
    Ref,
    Sub,
    Tags,
    Template,
)
from troposphere.ecs import ContainerDefinition
from troposphere.kms import Key
from troposphere.logs import LogGroup

from appstack import __version__
from appstack.config import Target

R = TypeVar("R", bound=AWSObject)

#: What happens to a stateful resource's data when CloudFormation deletes or replaces it.
RETAIN = "Retain"
SNAPSHOT = "Snapshot"


@dataclass
class TaskNeeds:
    """What capabilities ask of the application's task; the service module applies it."""

    environment: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    task_statements: list[Statement] = field(default_factory=list)
    execution_statements: list[Statement] = field(default_factory=list)
    sidecars: list[ContainerDefinition] = field(default_factory=list)
    #: (purpose, description, port, destination security group) the tasks may reach; the
    #: purpose names the rule's logical id, so one rule never takes over another's id
    egress: list[tuple[str, str, int, Any]] = field(default_factory=list)
    #: logical IDs the service waits for (its secrets must exist before tasks start)
    depends_on: list[str] = field(default_factory=list)

    def read_secret(
        self, purpose: str, secret_arn: Any, key: Any, variables: dict[str, Any]
    ) -> None:
        """Hand the Secrets Manager secret `secret_arn` to the task as `variables`
        (name -> valueFrom).

        Only the execution role may read it (ECS injects it at start), and decrypt it with
        the environment's `key`; the application's own role gets nothing."""
        self.secrets.update(variables)
        self.execution_statements += [
            Statement(
                Sid=f"Read{purpose}",
                Effect=Allow,
                Action=[Action("secretsmanager", "GetSecretValue")],
                Resource=[secret_arn],
            ),
            Statement(
                Sid=f"Decrypt{purpose}",
                Effect=Allow,
                Action=[Action("kms", "Decrypt")],
                Resource=[GetAtt(key, "Arn")],
            ),
        ]


class Draft:
    """One environment's template while capabilities add their resources to it."""

    #: What every name the template gives starts with (an Fn::Sub string).
    PREFIX = "${ApplicationName}-${EnvironmentSuffix}"

    def __init__(self, target: Target) -> None:
        self.target = target
        self.settings = target.env
        self.template = Template(
            Description=(
                f"appstack {__version__}: {target.app.application_name} "
                f"({target.env_name}), phase {target.phase}: "
                f"{', '.join(target.capabilities)}"
            )
        )
        # What the stack is deployed at, for the engine to read back (GetTemplate): custom
        # template Metadata, which CloudFormation keeps as written and which changes only
        # with the resources, as a phase change does
        # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html).
        self.template.set_metadata(
            {"appstack": {"environment": target.env_name, "phase": target.phase}}
        )
        self.needs = TaskNeeds()
        self.suffix = self.template.add_parameter(
            Parameter(
                "EnvironmentSuffix",
                Type="String",
                Default=target.env_name,
                # Single hyphens, none at the end: the value joins names (a database cluster
                # identifier among them) that refuse "--" and a trailing hyphen.
                AllowedPattern=r"^[a-z0-9](?:-?[a-z0-9])*$",
                MaxLength=20,
                Description="Suffix that makes this environment's resource names unique",
                ConstraintDescription="1 to 20 lowercase letters, digits and single hyphens",
            )
        )
        self.env_name = self.template.add_parameter(
            Parameter(
                "EnvironmentName",
                Type="String",
                Default=target.env_name,
                AllowedValues=list(target.app.environments),
                Description="Environment whose settings (EnvironmentConfig) this stack uses",
            )
        )
        self.app_name = self.template.add_parameter(
            Parameter(
                "ApplicationName",
                Type="String",
                Default=target.app.application_name,
                AllowedPattern=r"^[a-z](?:-?[a-z0-9])*$",
                MaxLength=24,
                Description="Application name, the prefix of resource names",
                ConstraintDescription="1 to 24 lowercase letters, digits and single hyphens",
            )
        )

    # -- building blocks -------------------------------------------------------------------

    def add(self, resource: R) -> R:
        added: R = self.template.add_resource(resource)
        return added

    def stateful(self, resource: R, on_delete: str = RETAIN, on_replace: str = RETAIN) -> R:
        """Add a resource that holds data, saying what happens to it on delete and replace."""
        resource.DeletionPolicy = on_delete
        resource.UpdateReplacePolicy = on_replace
        return self.add(resource)

    def log_group(self, title: str, key: Key, purpose: str, name: Any = None) -> LogGroup:
        """A log group encrypted with the environment's key and kept for the environment's
        retention (rule AS006 asks both); `name` only where a service needs a fixed one.

        Log history is data (the stateful table lists log groups, as cfn-lint's I3011 does):
        a group with a generated name is kept when its capability goes (its retention still
        expires the events). A group with a fixed name is deleted with it, said explicitly:
        kept, it would hold the name and the capability could never be switched on again
        (AlreadyExists); the plan names that deletion before it runs."""
        named = {} if name is None else {"LogGroupName": name}
        on_delete = RETAIN if name is None else "Delete"
        return self.stateful(
            LogGroup(
                title,
                **named,
                RetentionInDays=self.settings.log_retention_days,
                KmsKeyId=GetAtt(key, "Arn"),
                Tags=self.tags(purpose),
            ),
            on_delete=on_delete,
            on_replace=on_delete,
        )

    def skip_check(self, resource: AWSObject, check_id: str, reason: str) -> None:
        """Record that a checkov check cannot apply to `resource`, and why (in its Metadata)."""
        metadata = dict(getattr(resource, "Metadata", None) or {})
        checkov = metadata.setdefault("checkov", {"skip": []})
        checkov["skip"].append({"id": check_id, "comment": reason})
        resource.Metadata = metadata

    def name(self, purpose: str) -> Sub:
        """`<application>-<suffix>-<purpose>`, for names and Name tags."""
        return Sub(f"{self.PREFIX}-{purpose}")

    def tags(self, purpose: str, **extra: Any) -> Tags:
        return Tags(
            Name=self.name(purpose),
            Application=Ref(self.app_name),
            Environment=Ref(self.env_name),
            **extra,
        )

    def env_config(self, key: str) -> FindInMap:
        """A value from the `EnvironmentConfig` mapping for the chosen EnvironmentName."""
        return FindInMap("EnvironmentConfig", Ref(self.env_name), key)

    def output(self, name: str, value: Any, description: str) -> Output:
        return self.template.add_output(
            Output(
                name,
                Value=value,
                Description=description,
                Export=Export(Sub(f"${{AWS::StackName}}-{name}")),
            )
        )
