"""Database: Aurora PostgreSQL Serverless v2 in the private subnets, reachable by the tasks only.

Serverless v2 is the provisioned engine mode with `ServerlessV2ScalingConfiguration` and
instances of class `db.serverless` (`EngineMode: serverless` would be the retired v1).
RDS manages the master password (`ManageMasterUserPassword`): it generates it, keeps it in a
Secrets Manager secret encrypted with the environment's key, and rotates it every seven days
(Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets Manager",
https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html): no
rotation function, no transform, nothing that a Lambda runtime's end of life can break.
The task gets the endpoint as environment variables and the credentials as ECS secrets (the
values at task start); after a rotation, the application re-reads the secret
(`DATABASE_SECRET_ARN`), which its task role may read and decrypt, and nothing else. For an
application that does not, every rotation restarts the service's tasks (`restart_on_rotation`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from troposphere import GetAtt, Join, Ref, Sub
from troposphere.ec2 import SecurityGroup
from troposphere.events import Rule, Target
from troposphere.iam import Policy, Role
from troposphere.kms import Key
from troposphere.rds import (
    DBCluster,
    DBInstance,
    DBSubnetGroup,
    MasterUserSecret,
    ServerlessV2ScalingConfiguration,
)
from troposphere.ssm import Document
from troposphere.validators import double, integer

from appstack.blueprint.draft import SNAPSHOT, Draft
from appstack.blueprint.network import Network
from appstack.blueprint.service import AppService
from appstack.blueprint.shared import data_store_group, secret_reading, service_role_trust
from appstack.config import DatabaseSettings, aurora_facts

MONITORING_SECONDS = 60
MONITORING_POLICY = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
)

ENGINE = str(aurora_facts()["engine"])
#: A current Aurora PostgreSQL release (data/aurora.json, where its capacity bounds are too;
#: cfn-lint W3690 flags releases RDS no longer creates clusters with).
ENGINE_VERSION = str(aurora_facts()["engine_version"])
PORT = 5432
DATABASE_NAME = "app"
MASTER_USERNAME = "appadmin"
BACKUP_RETENTION_DAYS = 14
SERVERLESS_INSTANCE_CLASS = "db.serverless"


class ScalingConfiguration(ServerlessV2ScalingConfiguration):  # type: ignore[misc]
    """AWS::RDS::DBCluster ServerlessV2ScalingConfiguration. troposphere's validators refuse
    0 and anything above 128 ACU, the limits of older engines; the config checks the bounds of
    the engine appstack deploys (`config.aurora_capacity_problems`)."""

    props: ClassVar[dict[str, tuple[Any, bool]]] = {
        "MinCapacity": (double, False),
        "MaxCapacity": (double, False),
        "SecondsUntilAutoPause": (integer, False),
    }


def scaling(settings: DatabaseSettings) -> ScalingConfiguration:
    """The capacity range; at 0 ACU idle instances pause after `seconds_until_auto_pause`
    (the property only applies then: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html)."""
    configuration = ScalingConfiguration(
        MinCapacity=settings.min_capacity, MaxCapacity=settings.max_capacity
    )
    if settings.min_capacity == 0:
        configuration.SecondsUntilAutoPause = settings.seconds_until_auto_pause
    return configuration


@dataclass(frozen=True)
class Database:
    cluster: DBCluster  # logical ID "DatabaseCluster"
    secret_arn: Any  # the RDS-managed master user secret (Fn::GetAtt MasterUserSecret.SecretArn)
    security_group: SecurityGroup  # logical ID "DatabaseSecurityGroup"
    port: int


def build(draft: Draft, network: Network, task_sg: SecurityGroup, key: Key) -> Database:
    settings = draft.settings.database
    security_group = data_store_group(
        draft, "DatabaseSecurityGroup", "database", "PostgreSQL", PORT, network, task_sg
    )
    subnet_group = draft.add(
        DBSubnetGroup(
            "DatabaseSubnetGroup",
            DBSubnetGroupDescription="Private subnets of the database",
            SubnetIds=[Ref(s) for s in network.private_subnets],
            Tags=draft.tags("database"),
        )
    )
    # Snapshot on delete and on replace: a downgrade or a replacement leaves the data behind.
    cluster = draft.stateful(
        DBCluster(
            "DatabaseCluster",
            Engine=ENGINE,
            EngineVersion=ENGINE_VERSION,
            ServerlessV2ScalingConfiguration=scaling(settings),
            DatabaseName=DATABASE_NAME,
            Port=PORT,
            MasterUsername=MASTER_USERNAME,
            # RDS generates, stores and rotates the password in a secret encrypted with the
            # environment's key. On a cluster that had a password of its own (appstack before
            # managed passwords), this update turns management on: RDS sets a new password
            # and keeps it in the new secret (ModifyDBCluster ManageMasterUserPassword).
            ManageMasterUserPassword=True,
            MasterUserSecret=MasterUserSecret(KmsKeyId=GetAtt(key, "Arn")),
            DBSubnetGroupName=Ref(subnet_group),
            VpcSecurityGroupIds=[Ref(security_group)],
            StorageEncrypted=True,
            KmsKeyId=GetAtt(key, "Arn"),
            BackupRetentionPeriod=BACKUP_RETENTION_DAYS,
            CopyTagsToSnapshot=True,
            EnableCloudwatchLogsExports=["postgresql"],
            # Tasks may sign in with short-lived IAM tokens instead of the stored password.
            EnableIAMDatabaseAuthentication=True,
            DeletionProtection=draft.settings.deletion_protection,
            Tags=draft.tags("database"),
        ),
        on_delete=SNAPSHOT,
        on_replace=SNAPSHOT,
    )
    if settings.own_log_group:
        _own_log_group(draft, cluster, key)
    # Enhanced monitoring: OS-level metrics every minute (RDS's own role writes them to logs).
    monitoring_role = draft.add(
        Role(
            "DatabaseMonitoringRole",
            AssumeRolePolicyDocument=service_role_trust("monitoring.rds.amazonaws.com"),
            ManagedPolicyArns=[Sub(MONITORING_POLICY)],
            Tags=draft.tags("database-monitoring"),
        )
    )
    # Instances of a cluster hold no data of their own (the cluster volume does): no snapshot,
    # and the policy says so explicitly (the stateful table and cfn-lint's I3011 list the type).
    for logical_id, tier in (
        ("DatabaseWriterInstance", 0),
        *((f"DatabaseReaderInstance{i}", 1) for i in range(1, settings.readers + 1)),
    ):
        draft.add(
            DBInstance(
                logical_id,
                DBClusterIdentifier=Ref(cluster),
                Engine=ENGINE,
                DBInstanceClass=SERVERLESS_INSTANCE_CLASS,
                PubliclyAccessible=False,
                PromotionTier=tier,
                MonitoringInterval=MONITORING_SECONDS,
                MonitoringRoleArn=GetAtt(monitoring_role, "Arn"),
                Tags=draft.tags("database"),
                DeletionPolicy="Delete",
                UpdateReplacePolicy="Delete",
            )
        )

    needs = draft.needs
    needs.environment["DATABASE_HOST"] = GetAtt(cluster, "Endpoint.Address")
    needs.environment["DATABASE_PORT"] = str(PORT)
    needs.environment["DATABASE_NAME"] = DATABASE_NAME
    if settings.readers:
        needs.environment["DATABASE_READER_HOST"] = GetAtt(cluster, "ReadEndpoint.Address")
    # The task definition refers to the cluster's secret, so CloudFormation creates the
    # cluster first; the service needs no extra DependsOn (and must not wait for the slow
    # instances). ECS injects the values when a task starts.
    secret_arn = GetAtt(cluster, "MasterUserSecret.SecretArn")
    needs.read_secret(
        "TheDatabaseSecret",
        secret_arn,
        key,
        {
            "DATABASE_USERNAME": Join("", [secret_arn, ":username::"]),
            "DATABASE_PASSWORD": Join("", [secret_arn, ":password::"]),
        },
    )
    _reread_after_rotation(draft, secret_arn, key)

    draft.output(
        "DatabaseEndpoint", GetAtt(cluster, "Endpoint.Address"), "Writer endpoint of the database"
    )
    draft.output(
        "DatabaseSecretArn",
        secret_arn,
        "Secret holding the database's master credentials (managed and rotated by RDS)",
    )
    return Database(cluster, secret_arn, security_group, PORT)


def _own_log_group(draft: Draft, cluster: DBCluster, key: Key) -> None:
    """The log group RDS exports PostgreSQL logs to, created before the cluster with the
    environment's retention and key (RDS would create it with neither).

    RDS exports to `/aws/rds/cluster/<cluster identifier>/postgresql`, so the identifier
    must be known before the cluster exists: the cluster is named. A named resource cannot
    be replaced under the same name ("You can't perform an update that causes a
    custom-named resource to be replaced. If you must replace the resource, specify a new
    name", https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html),
    so the name ends with a digest of every createOnly property appstack sets on the
    cluster: a template change that replaces the cluster names the new one differently.
    At most 24 + 1 + 20 + 4 + 8 = 57 characters of the 63 RDS allows, lowercase as RDS
    stores them; the log group goes with the cluster (same name pattern, not kept).
    """
    properties = cluster.to_dict()["Properties"]
    create_only = {
        name: properties[name]
        for name in aurora_facts()["cluster_create_only"]
        if name in properties
    }
    digest = hashlib.sha256(json.dumps(create_only, sort_keys=True).encode()).hexdigest()[:8]
    identifier = Join("-", [Ref(draft.app_name), Ref(draft.suffix), "db", digest])
    cluster.DBClusterIdentifier = identifier
    log_group = draft.log_group(
        "DatabaseLogGroup",
        key,
        "database-logs",
        name=Join("", ["/aws/rds/cluster/", identifier, "/postgresql"]),
    )
    cluster.DependsOn = [log_group.title]


def _reread_after_rotation(draft: Draft, secret_arn: Any, key: Key) -> None:
    """Running tasks keep connecting after a rotation: ECS injected the password at task
    start and never refreshes it, so the application reads the secret again (on a failed
    sign-in, or for each new connection) with its task role, which may read this one secret
    and decrypt it with the environment's key, through Secrets Manager only."""
    needs = draft.needs
    needs.environment["DATABASE_SECRET_ARN"] = secret_arn
    needs.task_statements += secret_reading(
        "RereadTheDatabaseSecret", "DecryptTheDatabaseSecret", secret_arn, key
    )


#: What Secrets Manager sends to EventBridge, with no CloudTrail trail needed, when a staging
#: label moves to another version of a secret (every label but AWSPENDING and AWSPREVIOUS):
#: a rotation ends by moving AWSCURRENT to the new password
#: (https://docs.aws.amazon.com/secretsmanager/latest/userguide/event-detail-secret-label-updated-secretsmanager.html,
#: https://docs.aws.amazon.com/secretsmanager/latest/userguide/secret-event-notifications.html).
ROTATED = {"source": "aws.secretsmanager", "detail-type": "Secret Label Updated"}
CURRENT_LABEL = "AWSCURRENT"


def restart_on_rotation(draft: Draft, database: Database, app: AppService) -> Rule:
    """Every rotation of the master password restarts the service's tasks, so that an
    application that does not re-read the secret gets the new password: ECS injects secrets
    only when a task starts.

    An EventBridge rule matches the secret's `Secret Label Updated` event for AWSCURRENT and
    starts a Systems Manager Automation runbook
    (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-cwe-target.html)
    whose one step calls ECS UpdateService with forceNewDeployment (`aws:executeAwsApi`):
    a rolling deployment, new tasks up before old ones stop (MinimumHealthyPercent 100). No
    function and no runtime to keep alive: EventBridge rule targets cannot call UpdateService
    themselves (their ECS target runs a new task, RunTask), and EventBridge Scheduler's
    universal targets, which can, run on a schedule, not on an event."""
    service_arn = Ref(app.service)  # Ref of AWS::ECS::Service is its ARN
    restart_role = draft.add(
        Role(
            "DatabaseRestartRole",
            AssumeRolePolicyDocument=service_role_trust("ssm.amazonaws.com", same_account=True),
            Policies=[
                Policy(
                    PolicyName="restart-the-service",
                    PolicyDocument={
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "NewDeploymentOfThisService",
                                "Effect": "Allow",
                                "Action": "ecs:UpdateService",
                                "Resource": service_arn,
                            }
                        ],
                    },
                )
            ],
            Tags=draft.tags("database-restart"),
        )
    )
    runbook = draft.add(
        Document(
            "DatabaseRestartRunbook",
            DocumentType="Automation",
            DocumentFormat="JSON",
            Content={
                "schemaVersion": "0.3",
                "description": "Restart the application's tasks: they start with the rotated "
                "database password",
                "assumeRole": "{{ AutomationAssumeRole }}",
                "parameters": {
                    "AutomationAssumeRole": {
                        "type": "String",
                        "description": "Role that may start a deployment of the service",
                    }
                },
                "mainSteps": [
                    {
                        "name": "StartNewDeployment",
                        "action": "aws:executeAwsApi",
                        "inputs": {
                            "Service": "ecs",
                            "Api": "UpdateService",
                            "cluster": Ref(app.cluster),
                            "service": GetAtt(app.service, "Name"),
                            "forceNewDeployment": True,
                        },
                    }
                ],
            },
            Tags=draft.tags("database-restart"),
        )
    )
    runbook_arn = Sub(
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-definition/"
        "${Runbook}",
        Runbook=Ref(runbook),  # Ref of a document is its name
    )
    trigger_role = draft.add(
        Role(
            "DatabaseRotationEventsRole",
            AssumeRolePolicyDocument=service_role_trust("events.amazonaws.com", same_account=True),
            Policies=[
                Policy(
                    PolicyName="start-the-restart",
                    PolicyDocument={
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "StartTheRunbook",
                                "Effect": "Allow",
                                "Action": "ssm:StartAutomationExecution",
                                "Resource": Join("", [runbook_arn, ":*"]),
                            },
                            {
                                "Sid": "HandItItsRole",
                                "Effect": "Allow",
                                "Action": "iam:PassRole",
                                "Resource": GetAtt(restart_role, "Arn"),
                                "Condition": {
                                    "StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}
                                },
                            },
                        ],
                    },
                )
            ],
            Tags=draft.tags("database-rotation-events"),
        )
    )
    return draft.add(
        Rule(
            "DatabaseRotationRule",
            Description="Restart the application's tasks when RDS rotates the database password",
            State="ENABLED",
            EventPattern={
                "source": [ROTATED["source"]],
                "detail-type": [ROTATED["detail-type"]],
                "resources": [database.secret_arn],
                "detail": {"labelUpdated": [CURRENT_LABEL]},
            },
            Targets=[
                Target(
                    Id="restart-the-service",
                    Arn=Join("", [runbook_arn, ":$DEFAULT"]),
                    RoleArn=GetAtt(trigger_role, "Arn"),
                    Input=Sub(
                        '{"AutomationAssumeRole":["${Role}"]}',
                        Role=GetAtt(restart_role, "Arn"),
                    ),
                )
            ],
        )
    )
