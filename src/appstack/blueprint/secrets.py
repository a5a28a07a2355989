"""Secrets: the application's own secret, and rotation of the database credentials.

The application secret lives in Secrets Manager, encrypted with the environment's key, and
reaches the container as an ECS secret: only the task *execution* role may read it (ECS
fetches it when a task starts), the application's task role gets nothing.

When a database exists, its credentials rotate on a schedule through a rotation function
that Secrets Manager vends (`HostedRotationLambda`). That function is created by the
`AWS::SecretsManager` transform as a nested stack, so a template with rotation carries the
transform, and deploying it needs the `CAPABILITY_AUTO_EXPAND` capability
(`needs_auto_expand`). The function runs in the private subnets with its own security group:
it may reach the database on its port and make HTTPS calls (Secrets Manager, through NAT).
"""

from __future__ import annotations

from typing import Any, Protocol

from awacs.aws import Action, Allow, Condition, Statement, StringEquals
from troposphere import GetAtt, Join, Ref, Sub
from troposphere.ec2 import (
    SecurityGroup,
    SecurityGroupEgress,
    SecurityGroupIngress,
    SecurityGroupRule,
)
from troposphere.kms import Key
from troposphere.secretsmanager import (
    GenerateSecretString,
    HostedRotationLambda,
    RotationRules,
    RotationSchedule,
    Secret,
)

from appstack.blueprint.network import Network
from appstack.blueprint.stack import RETAIN, Stack

#: The transform that creates hosted rotation functions; 2024-09-16 keeps the function's
#: runtime current on stack updates and honours DependsOn (2020-07-23 does not).
#: Source: AWS::SecretsManager::RotationSchedule HostedRotationLambda, CloudFormation reference.
ROTATION_TRANSFORM = "AWS::SecretsManager-2024-09-16"
#: Secrets Manager's rotation template for a PostgreSQL user that changes its own password.
ROTATION_TYPE = "PostgreSQLSingleUser"
#: A rate in days starts the rotation window at midnight UTC; the window may not pass into
#: the next UTC day (RotationRules, Secrets Manager API reference).
ROTATION_SCHEDULE = "rate(30 days)"
ROTATION_WINDOW_HOURS = 4
#: Characters an RDS master password may not contain: / ' " @ and space (RDS user guide,
#: "Naming constraints"); the rotated password must respect them like the first one.
RDS_PASSWORD_EXCLUDED = "/'\"@ "
#: Environment variable that carries the application secret into the container.
APP_SECRET_VARIABLE = "APP_SECRET"
APP_SECRET_LENGTH = 64
ROTATION_PURPOSE = "db-rotation"
HTTPS = 443


class RotatableDatabase(Protocol):
    """What rotation needs of the database capability (see blueprint.database.Database)."""

    @property
    def secret(self) -> Secret: ...

    @property
    def security_group(self) -> SecurityGroup: ...

    @property
    def port(self) -> int: ...


def build(stack: Stack, network: Network, key: Key, database: RotatableDatabase | None) -> Secret:
    """The application secret, handed to the task; database credential rotation if any."""
    secret = _application_secret(stack, key)
    if database is not None:
        _rotate_database_credentials(stack, network, key, database)
    return secret


def needs_auto_expand(template: dict[str, Any]) -> bool:
    """Whether deploying `template` needs CAPABILITY_AUTO_EXPAND (it declares a transform).

    A transform is a macro: CloudFormation refuses to create or update a stack (also through
    a change set) whose template expands one unless the caller acknowledges it.
    """
    return bool(template.get("Transform"))


def _application_secret(stack: Stack, key: Key) -> Secret:
    # No fixed name: a retained secret cannot clash with the one a new stack creates.
    secret = stack.stateful(
        Secret(
            "AppSecret",
            Description=Sub(
                "Secret of ${ApplicationName} (${EnvironmentSuffix}); replace its value at will"
            ),
            KmsKeyId=GetAtt(key, "Arn"),
            GenerateSecretString=GenerateSecretString(
                PasswordLength=APP_SECRET_LENGTH, ExcludePunctuation=True
            ),
            Tags=stack.tags("app-secret"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    stack.needs.secrets[APP_SECRET_VARIABLE] = Ref(secret)
    # ECS reads the secret with the execution role before the container starts.
    stack.needs.execution_statements.append(
        Statement(
            Sid="ReadTheApplicationSecret",
            Effect=Allow,
            Action=[Action("secretsmanager", "GetSecretValue")],
            Resource=[Ref(secret)],
        )
    )
    stack.needs.execution_statements.append(
        Statement(
            Sid="DecryptTheApplicationSecret",
            Effect=Allow,
            Action=[Action("kms", "Decrypt")],
            Resource=[GetAtt(key, "Arn")],
            Condition=Condition(
                StringEquals("kms:ViaService", Sub("secretsmanager.${AWS::Region}.amazonaws.com"))
            ),
        )
    )
    return secret


def _rotate_database_credentials(
    stack: Stack, network: Network, key: Key, database: RotatableDatabase
) -> RotationSchedule:
    port = database.port
    function_sg = stack.add(
        SecurityGroup(
            "DatabaseRotationSecurityGroup",
            GroupDescription="Database credential rotation: the database and HTTPS out",
            VpcId=Ref(network.vpc),
            # Secrets Manager through NAT: an interface endpoint would cost per AZ-hour for
            # a function that runs a few minutes a month.
            SecurityGroupEgress=[
                SecurityGroupRule(
                    IpProtocol="tcp",
                    FromPort=HTTPS,
                    ToPort=HTTPS,
                    CidrIp="0.0.0.0/0",
                    Description="HTTPS to Secrets Manager",
                )
            ],
            Tags=stack.tags("db-rotation"),
        )
    )
    stack.add(
        SecurityGroupEgress(
            "DatabaseRotationEgressToDatabase",
            GroupId=Ref(function_sg),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            DestinationSecurityGroupId=Ref(database.security_group),
            Description="Database port, to change the password",
        )
    )
    stack.add(
        SecurityGroupIngress(
            "DatabaseIngressFromRotation",
            GroupId=Ref(database.security_group),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            SourceSecurityGroupId=Ref(function_sg),
            Description="Database port from the credential rotation function",
        )
    )
    function_name = stack.name(ROTATION_PURPOSE)
    # Created first, so the function's logs are encrypted and expire (Lambda's own would not).
    log_group = stack.log_group(
        "DatabaseRotationLogGroup",
        key,
        "db-rotation",
        name=Sub(f"/aws/lambda/${{ApplicationName}}-${{EnvironmentSuffix}}-{ROTATION_PURPOSE}"),
    )
    hosted = HostedRotationLambda(
        RotationType=ROTATION_TYPE,
        RotationLambdaName=function_name,
        VpcSubnetIds=Join(",", [Ref(s) for s in network.private_subnets]),
        VpcSecurityGroupIds=Ref(function_sg),
        ExcludeCharacters=RDS_PASSWORD_EXCLUDED,
    )
    key_arn = _secret_key_arn(database.secret)
    if key_arn is not None:
        # The function reads and writes the secret, so it must be allowed to use its key.
        hosted.KmsKeyArn = key_arn
    schedule = stack.add(
        RotationSchedule(
            "DatabaseSecretRotation",
            SecretId=Ref(database.secret),
            HostedRotationLambda=hosted,
            RotationRules=RotationRules(
                ScheduleExpression=ROTATION_SCHEDULE,
                Duration=f"{ROTATION_WINDOW_HOURS}h",
            ),
            # A deploy must not change the password under running tasks; the schedule does.
            RotateImmediatelyOnUpdate=False,
            # Rotation needs the secret's connection details (its target attachment), the
            # function's log group, and the network path to the database.
            DependsOn=[
                *_target_attachments(stack, database.secret),
                log_group.title,
                "DatabaseIngressFromRotation",
                "DatabaseRotationEgressToDatabase",
            ],
        )
    )
    _add_transform(stack, ROTATION_TRANSFORM)
    return schedule


def _secret_key_arn(secret: Secret) -> Any | None:
    """The customer-managed key a secret is encrypted with, or None (aws/secretsmanager)."""
    return secret.properties.get("KmsKeyId")


def _target_attachments(stack: Stack, secret: Secret) -> list[str]:
    """Logical IDs of the SecretTargetAttachments that fill `secret` with connection details."""
    return [
        logical_id
        for logical_id, resource in stack.template.resources.items()
        if resource.resource_type == "AWS::SecretsManager::SecretTargetAttachment"
        and _points_at(resource.properties.get("SecretId"), secret.title)
    ]


def _points_at(value: Any, logical_id: str) -> bool:
    return isinstance(value, Ref) and value.to_dict() == {"Ref": logical_id}


def _add_transform(stack: Stack, transform: str) -> None:
    current = stack.template.transform
    if not current:
        stack.template.set_transform(transform)
    elif isinstance(current, str):
        if current != transform:
            stack.template.set_transform([current, transform])
    elif transform not in current:
        stack.template.set_transform([*current, transform])
