"""Shell: ECS Exec, so that `appstack exec` can open a shell in a running task (`exec: true`).

What ECS Exec needs (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html):
the service starts its tasks with execute command enabled; the task role may open the Session
Manager channels the agent in the task uses (ssmmessages:CreateControlChannel,
CreateDataChannel, OpenControlChannel, OpenDataChannel, which take no resource-level
permissions, so `*`); and, to log every session, the cluster's ExecuteCommandConfiguration
sends the session output to a log group encrypted with the environment's key, which the task
role may write to. Sessions are logged with Logging OVERRIDE: CloudWatchEncryptionEnabled
makes ECS refuse to log to a group that is not encrypted
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-cluster-executecommandconfiguration.html).

ECS Exec reaches only tasks started after it was turned on, and a change of the service's
EnableExecuteCommand alone starts none. So the application's container also runs an init
process while exec is on (LinuxParameters InitProcessEnabled, which the ECS Exec guide
recommends against orphaned agent processes): turning exec on or off changes the task
definition, and the service's rolling deployment starts tasks that have it, or not.
"""

from __future__ import annotations

from awacs.aws import Action, Allow, PolicyDocument, Statement
from troposphere import GetAtt
from troposphere.ecs import (
    ClusterConfiguration,
    ExecuteCommandConfiguration,
    ExecuteCommandLogConfiguration,
    LinuxParameters,
)
from troposphere.iam import Policy
from troposphere.kms import Key
from troposphere.logs import LogGroup

from appstack.blueprint.draft import Draft
from appstack.blueprint.service import CONTAINER_NAME, AppService

#: The Session Manager channels the ECS agent in the task opens.
CHANNELS = ("CreateControlChannel", "CreateDataChannel", "OpenControlChannel", "OpenDataChannel")


def build(draft: Draft, app: AppService, key: Key) -> LogGroup:
    """Turn ECS Exec on for the service; the log group that records every session."""
    sessions = draft.log_group("ExecLogGroup", key, "exec-sessions")
    app.service.EnableExecuteCommand = True
    for container in app.task_definition.ContainerDefinitions:
        if container.Name == CONTAINER_NAME:
            container.LinuxParameters = LinuxParameters(InitProcessEnabled=True)
    app.cluster.Configuration = ClusterConfiguration(
        ExecuteCommandConfiguration=ExecuteCommandConfiguration(
            Logging="OVERRIDE",
            LogConfiguration=ExecuteCommandLogConfiguration(
                CloudWatchLogGroupName=sessions.ref(), CloudWatchEncryptionEnabled=True
            ),
        )
    )
    statements = [
        Statement(
            Sid="SessionChannels",
            Effect=Allow,
            Action=[Action("ssmmessages", name) for name in CHANNELS],
            Resource=["*"],
        ),
        # ECS Exec looks the log group up before it writes the session there.
        Statement(
            Sid="FindSessionLog",
            Effect=Allow,
            Action=[Action("logs", "DescribeLogGroups")],
            Resource=["*"],
        ),
        Statement(
            Sid="WriteSessionLog",
            Effect=Allow,
            Action=[
                Action("logs", name)
                for name in ("CreateLogStream", "DescribeLogStreams", "PutLogEvents")
            ],
            Resource=[GetAtt(sessions, "Arn")],
        ),
    ]
    policies = list(getattr(app.task_role, "Policies", None) or [])
    policies.append(
        Policy(
            PolicyName="exec-sessions",
            PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=statements),
        )
    )
    app.task_role.Policies = policies
    draft.output("ExecLogGroupName", sessions.ref(), "ECS Exec session log")
    return sessions
