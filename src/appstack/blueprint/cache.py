"""Cache: an ElastiCache (Redis OSS or Valkey) replication group in the private subnets.

Encrypted at rest with the environment's key and in transit (TLS), protected by an AUTH
token that Secrets Manager generates and hands to the task as an ECS secret. Only the
tasks' security group reaches it. Its data is snapshotted when it is deleted or replaced.
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Ref, Sub
from troposphere.ec2 import SecurityGroup
from troposphere.elasticache import ReplicationGroup, SubnetGroup
from troposphere.kms import Key
from troposphere.secretsmanager import GenerateSecretString, Secret

from appstack.blueprint.draft import RETAIN, SNAPSHOT, Draft
from appstack.blueprint.network import Network
from appstack.blueprint.shared import data_store_group
from appstack.data import load

PORT = 6379
#: AUTH token length; ElastiCache accepts 16 to 128 printable characters (data/cache.json).
TOKEN_LENGTH = 64


def cache_facts() -> dict[str, Any]:
    """Engine versions and AUTH token rules of ElastiCache (data/cache.json)."""
    return load("cache")


def build(draft: Draft, network: Network, task_sg: SecurityGroup, key: Key) -> ReplicationGroup:
    settings = draft.settings.cache
    facts = cache_facts()
    security_group = data_store_group(
        draft, "CacheSecurityGroup", "cache", "Redis protocol (TLS)", PORT, network, task_sg
    )
    subnet_group = draft.add(
        SubnetGroup(
            "CacheSubnetGroup",
            Description="Private subnets of the cache",
            SubnetIds=[Ref(s) for s in network.private_subnets],
            Tags=draft.tags("cache"),
        )
    )
    # ElastiCache allows only letters, digits and !&#$^<>- in an AUTH token: letters and
    # digits alone are always valid (and need no escaping anywhere).
    secret = draft.stateful(
        Secret(
            "CacheAuthSecret",
            Description="AUTH token of the application's cache",
            KmsKeyId=GetAtt(key, "Arn"),
            GenerateSecretString=GenerateSecretString(
                PasswordLength=TOKEN_LENGTH,
                ExcludePunctuation=True,
            ),
            Tags=draft.tags("cache-auth"),
        ),
        # Kept: a cache restored from a retained snapshot is reached with the same token.
        on_delete=RETAIN,
        on_replace=RETAIN,
    )

    multi_az = settings.nodes >= 2
    # No ReplicationGroupId: a generated name lets CloudFormation replace the group without
    # a clash; the final snapshot on delete and on replace keeps the data.
    group = draft.stateful(
        ReplicationGroup(
            "Cache",
            ReplicationGroupDescription="Cache of the application",
            Engine=settings.engine,
            EngineVersion=facts["engine_version"][settings.engine],
            CacheNodeType=settings.node_type,
            NumCacheClusters=settings.nodes,
            # A replica in the other AZ takes over when the primary fails (2+ nodes).
            AutomaticFailoverEnabled=multi_az,
            MultiAZEnabled=multi_az,
            CacheSubnetGroupName=Ref(subnet_group),
            SecurityGroupIds=[Ref(security_group)],
            Port=PORT,
            AtRestEncryptionEnabled=True,
            KmsKeyId=GetAtt(key, "Arn"),
            TransitEncryptionEnabled=True,
            AuthToken=Sub("{{resolve:secretsmanager:${CacheAuthSecret}:SecretString}}"),
            SnapshotRetentionLimit=settings.snapshot_retention_days,
            AutoMinorVersionUpgrade=True,
            Tags=draft.tags("cache"),
        ),
        on_delete=SNAPSHOT,
        on_replace=SNAPSHOT,
    )

    needs = draft.needs
    # The task definition waits for the cache: the tasks need its address.
    needs.environment["CACHE_HOST"] = GetAtt(group, "PrimaryEndPoint.Address")
    needs.environment["CACHE_PORT"] = GetAtt(group, "PrimaryEndPoint.Port")
    needs.environment["CACHE_TLS"] = "true"
    needs.read_secret("TheCacheAuthToken", Ref(secret), key, {"CACHE_AUTH_TOKEN": Ref(secret)})

    draft.output(
        "CacheEndpoint", GetAtt(group, "PrimaryEndPoint.Address"), "Primary endpoint of the cache"
    )
    return group
