"""A stand-in for the database capability: the parts backup uses of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Ref
from troposphere.ec2 import SecurityGroup
from troposphere.rds import DBCluster, ServerlessV2ScalingConfiguration

from appstack import blueprint, config
from appstack.blueprint import backup, encryption, loadbalancer, network, secrets, table
from appstack.blueprint.draft import Draft

PORT = 5432
#: Every phase-4 capability on, over the phase-1 foundation.
PHASE_4 = {"secrets": True, "audit": True, "insights": True, "backup": True}


@dataclass(frozen=True)
class StandInDatabase:
    cluster: DBCluster
    security_group: SecurityGroup
    port: int


def features(**on: bool) -> dict[str, Any]:
    """A config that switches capabilities on in every environment."""
    return {"environments": {e: {"features": dict(on)} for e in ("dev", "staging", "prod")}}


def stand_in(draft: Draft, net: network.Network, key: Any) -> StandInDatabase:
    group = draft.add(
        SecurityGroup(
            "DatabaseSecurityGroup",
            GroupDescription="Database: the tasks on 5432",
            VpcId=Ref(net.vpc),
        )
    )
    cluster = draft.add(
        DBCluster(
            "DatabaseCluster",
            Engine="aurora-postgresql",
            MasterUsername="app",
            ManageMasterUserPassword=True,
            StorageEncrypted=True,
            KmsKeyId=GetAtt(key, "Arn"),
            ServerlessV2ScalingConfiguration=ServerlessV2ScalingConfiguration(
                MinCapacity=0.5, MaxCapacity=2
            ),
            VpcSecurityGroupIds=[Ref(group)],
        )
    )
    return StandInDatabase(cluster, group, PORT)


def with_database(env: str = "dev", data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A template with the network, the table, a stand-in database, secrets and backup."""
    target = config.resolve(config.parse(data or features(**PHASE_4)), env, 1)
    draft = Draft(target)
    key = encryption.build(draft)
    net = network.build(draft, key)
    loadbalancer.security_groups(draft, net)
    app_table = table.build(draft, key)
    database = stand_in(draft, net, key)
    secrets.build(draft, key)
    backup.build(draft, key, app_table, database)
    return blueprint.to_dict(draft.template)
