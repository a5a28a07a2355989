"""Database: Aurora PostgreSQL Serverless v2 in the private subnets, reachable by the tasks only.

Serverless v2 is the provisioned engine mode with `ServerlessV2ScalingConfiguration` and
instances of class `db.serverless` (`EngineMode: serverless` would be the retired v1).
The master credentials are generated in Secrets Manager and never pass through a parameter;
the task gets the endpoint as environment variables and the credentials as ECS secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from troposphere import GetAtt, Ref, Sub
from troposphere.ec2 import SecurityGroup
from troposphere.iam import Role
from troposphere.kms import Key
from troposphere.rds import DBCluster, DBInstance, DBSubnetGroup, ServerlessV2ScalingConfiguration
from troposphere.secretsmanager import GenerateSecretString, Secret, SecretTargetAttachment

from appstack.blueprint.network import Network
from appstack.blueprint.security import data_store_group
from appstack.blueprint.stack import RETAIN, SNAPSHOT, Stack, service_role_trust

MONITORING_SECONDS = 60
MONITORING_POLICY = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
)

ENGINE = "aurora-postgresql"
#: A current Aurora PostgreSQL release (17.4 and later support Serverless v2; cfn-lint W3690
#: flags releases RDS no longer creates clusters with).
ENGINE_VERSION = "17.7"
PORT = 5432
DATABASE_NAME = "app"
MASTER_USERNAME = "appadmin"
#: Master user names RDS refuses: `rdsadmin` on every engine, `admin` on PostgreSQL engines,
#: and names starting with `pg_` (PostgreSQL reserves them for its roles). Source: RDS
#: CreateDBCluster MasterUsername ("can't be a reserved word"), and the error
#: "MasterUsername admin cannot be used as it is a reserved word used by the engine".
RESERVED_USERNAMES = frozenset({"admin", "rdsadmin"})
RESERVED_USERNAME_PREFIX = "pg_"
#: Characters RDS does not accept in a master password: / @ " and space (plus ' and \ ,
#: which break connection strings and shells).
PASSWORD_EXCLUDED_CHARACTERS = "\"'@/\\ "
BACKUP_RETENTION_DAYS = 14
SERVERLESS_INSTANCE_CLASS = "db.serverless"


@dataclass(frozen=True)
class Database:
    cluster: DBCluster  # logical ID "DatabaseCluster"
    secret: Secret  # logical ID "DatabaseSecret"
    security_group: SecurityGroup  # logical ID "DatabaseSecurityGroup"
    port: int


def username_problem(name: str) -> str | None:
    """Why RDS would refuse `name` as the PostgreSQL master user name, or None."""
    if name.lower() in RESERVED_USERNAMES or name.lower().startswith(RESERVED_USERNAME_PREFIX):
        return f"{name!r} is reserved by RDS or PostgreSQL"
    if not (1 <= len(name) <= 16 and name[0].isalpha() and name.replace("_", "").isalnum()):
        return f"{name!r} is not 1 to 16 letters, digits or underscores starting with a letter"
    return None


def build(stack: Stack, network: Network, task_sg: SecurityGroup, key: Key) -> Database:
    settings = stack.settings.database
    security_group = data_store_group(
        stack, "DatabaseSecurityGroup", "database", "PostgreSQL", PORT, network, task_sg
    )
    subnet_group = stack.add(
        DBSubnetGroup(
            "DatabaseSubnetGroup",
            DBSubnetGroupDescription="Private subnets of the database",
            SubnetIds=[Ref(s) for s in network.private_subnets],
            Tags=stack.tags("database"),
        )
    )
    # Kept on delete: a snapshot restored later still needs the credentials it was made with.
    secret = stack.stateful(
        Secret(
            "DatabaseSecret",
            Description=Sub(
                "Master credentials of ${ApplicationName}-${EnvironmentSuffix} database"
            ),
            KmsKeyId=GetAtt(key, "Arn"),
            GenerateSecretString=GenerateSecretString(
                SecretStringTemplate=json.dumps({"username": MASTER_USERNAME}),
                GenerateStringKey="password",
                PasswordLength=32,
                ExcludeCharacters=PASSWORD_EXCLUDED_CHARACTERS,
            ),
            Tags=stack.tags("database"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    # Snapshot on delete and on replace: a downgrade or a replacement leaves the data behind.
    cluster = stack.stateful(
        DBCluster(
            "DatabaseCluster",
            Engine=ENGINE,
            EngineVersion=ENGINE_VERSION,
            ServerlessV2ScalingConfiguration=ServerlessV2ScalingConfiguration(
                MinCapacity=settings.min_capacity,
                MaxCapacity=settings.max_capacity,
            ),
            DatabaseName=DATABASE_NAME,
            Port=PORT,
            MasterUsername=Sub(
                "{{resolve:secretsmanager:${DatabaseSecret}:SecretString:username}}"
            ),
            MasterUserPassword=Sub(
                "{{resolve:secretsmanager:${DatabaseSecret}:SecretString:password}}"
            ),
            DBSubnetGroupName=Ref(subnet_group),
            VpcSecurityGroupIds=[Ref(security_group)],
            StorageEncrypted=True,
            KmsKeyId=GetAtt(key, "Arn"),
            BackupRetentionPeriod=BACKUP_RETENTION_DAYS,
            CopyTagsToSnapshot=True,
            EnableCloudwatchLogsExports=["postgresql"],
            # Tasks may sign in with short-lived IAM tokens instead of the stored password.
            EnableIAMDatabaseAuthentication=True,
            DeletionProtection=stack.settings.deletion_protection,
            Tags=stack.tags("database"),
        ),
        on_delete=SNAPSHOT,
        on_replace=SNAPSHOT,
    )
    # Enhanced monitoring: OS-level metrics every minute (RDS's own role writes them to logs).
    monitoring_role = stack.add(
        Role(
            "DatabaseMonitoringRole",
            AssumeRolePolicyDocument=service_role_trust("monitoring.rds.amazonaws.com"),
            ManagedPolicyArns=[Sub(MONITORING_POLICY)],
            Tags=stack.tags("database-monitoring"),
        )
    )
    # Instances of a cluster hold no data of their own (the cluster volume does): no snapshot,
    # and the policy says so explicitly (the stateful table and cfn-lint's I3011 list the type).
    for logical_id, tier in (
        ("DatabaseWriterInstance", 0),
        *((f"DatabaseReaderInstance{i}", 1) for i in range(1, settings.readers + 1)),
    ):
        stack.add(
            DBInstance(
                logical_id,
                DBClusterIdentifier=Ref(cluster),
                Engine=ENGINE,
                DBInstanceClass=SERVERLESS_INSTANCE_CLASS,
                PubliclyAccessible=False,
                PromotionTier=tier,
                MonitoringInterval=MONITORING_SECONDS,
                MonitoringRoleArn=GetAtt(monitoring_role, "Arn"),
                Tags=stack.tags("database"),
                DeletionPolicy="Delete",
                UpdateReplacePolicy="Delete",
            )
        )
    stack.add(
        SecretTargetAttachment(
            "DatabaseSecretAttachment",
            SecretId=Ref(secret),
            TargetId=Ref(cluster),
            TargetType="AWS::RDS::DBCluster",
        )
    )

    needs = stack.needs
    needs.environment["DATABASE_HOST"] = GetAtt(cluster, "Endpoint.Address")
    needs.environment["DATABASE_PORT"] = str(PORT)
    needs.environment["DATABASE_NAME"] = DATABASE_NAME
    if settings.readers:
        needs.environment["DATABASE_READER_HOST"] = GetAtt(cluster, "ReadEndpoint.Address")
    # The task definition refers to the secret, so CloudFormation creates it first; the service
    # needs no extra DependsOn (and must not wait for the slow instances).
    needs.read_secret(
        "TheDatabaseSecret",
        secret,
        key,
        {
            "DATABASE_USERNAME": Sub("${DatabaseSecret}:username::"),
            "DATABASE_PASSWORD": Sub("${DatabaseSecret}:password::"),
        },
    )

    stack.output(
        "DatabaseEndpoint", GetAtt(cluster, "Endpoint.Address"), "Writer endpoint of the database"
    )
    stack.output(
        "DatabaseSecretArn", Ref(secret), "Secret holding the database's master credentials"
    )
    return Database(cluster, secret, security_group, PORT)
