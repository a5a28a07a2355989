"""Security groups shared by capabilities: a data store reachable only from the tasks."""

from __future__ import annotations

from troposphere import Ref
from troposphere.ec2 import SecurityGroup, SecurityGroupRule

from appstack.blueprint.network import Network
from appstack.blueprint.stack import Stack


def no_egress() -> SecurityGroupRule:
    """An egress rule that matches nothing (ICMP type 252, code 86, to the broadcast address).

    A security group declared with no inline egress keeps EC2's default allow-all rule beside
    any separate SecurityGroupEgress resource; declaring this rule replaces it. AWS::EC2::
    SecurityGroup: "When you create a security group, if you do not add egress rules, we add
    egress rules that allow all outbound IPv4 and IPv6 traffic. Otherwise, we do not add them"
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html).
    """
    return SecurityGroupRule(
        IpProtocol="icmp",
        FromPort=252,
        ToPort=86,
        CidrIp="255.255.255.255/32",
        Description="No outbound traffic",
    )


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
            # A data store starts no connections.
            SecurityGroupEgress=[no_egress()],
            Tags=stack.tags(purpose),
        )
    )
    stack.needs.egress.append((purpose, f"{protocol} to the {purpose}", port, Ref(group)))
    return group
