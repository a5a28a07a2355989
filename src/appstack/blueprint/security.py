"""Security groups shared by capabilities: a data store reachable only from the tasks."""

from __future__ import annotations

from troposphere import Ref
from troposphere.ec2 import SecurityGroup, SecurityGroupRule

from appstack.blueprint.network import Network
from appstack.blueprint.stack import Stack


def data_store_group(
    stack: Stack,
    logical_id: str,
    purpose: str,
    protocol: str,
    port: int,
    network: Network,
    task_sg: SecurityGroup,
) -> SecurityGroup:
    """A security group that admits `port` from the tasks only and lets nothing out; the
    tasks get the matching egress rule."""
    group = stack.add(
        SecurityGroup(
            logical_id,
            GroupDescription=f"{purpose.capitalize()}: {protocol} from the application tasks only",
            VpcId=Ref(network.vpc),
            SecurityGroupIngress=[
                SecurityGroupRule(
                    IpProtocol="tcp",
                    FromPort=port,
                    ToPort=port,
                    SourceSecurityGroupId=Ref(task_sg),
                    Description=f"{protocol} from the application tasks",
                )
            ],
            # A data store starts no connections: this rule matches nothing, and it replaces
            # the default allow-all egress rule.
            SecurityGroupEgress=[
                SecurityGroupRule(
                    IpProtocol="icmp",
                    FromPort=252,
                    ToPort=86,
                    CidrIp="255.255.255.255/32",
                    Description="No outbound traffic",
                )
            ],
            Tags=stack.tags(purpose),
        )
    )
    stack.needs.egress.append((purpose, f"{protocol} to the {purpose}", port, Ref(group)))
    return group
