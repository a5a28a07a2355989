"""Network: a VPC over two Availability Zones, public and private subnets, egress, flow logs.

The VPC range of each environment lives in the `EnvironmentConfig` mapping; subnets are the
four equal quarters of it (public 1, public 2, private 1, private 2). Databases and caches
live in the private subnets. The tasks' way out is the environment's `egress`:

- `nat_gateway`: the tasks run in the private subnets and reach the internet through NAT;
- `public`: the tasks run in the public subnets with a public IPv4 address each, and the
  private subnets have no route out at all. No NAT gateway to pay for; the tasks' security
  group still accepts traffic from the load balancer alone and sends HTTPS and the data
  stores' ports only.

Both keep every subnet and route table, so switching `egress` on a deployed environment
adds or removes NAT gateways and routes and moves the tasks, never a data store's subnets.
The route tables the VPN's routes propagate into, and the gateway endpoints' (S3 and
DynamoDB traffic takes free gateway endpoints instead of paying for NAT data), gain or lose
the public one, where the tasks then run: a change in place, with no interruption
(RouteTableIds of AWS::EC2::VPCEndpoint and AWS::EC2::VPNGatewayRoutePropagation).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, GetAZs, Join, Ref, Select, Sub
from troposphere.ec2 import (
    EIP,
    VPC,
    FlowLog,
    InternetGateway,
    NatGateway,
    Route,
    RouteTable,
    Subnet,
    SubnetRouteTableAssociation,
    VPCEndpoint,
    VPCGatewayAttachment,
)
from troposphere.kms import Key

from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import log_delivery_role, service_role_trust
from appstack.config import AppConfig

AZ_COUNT = 2


@dataclass(frozen=True)
class Network:
    vpc: VPC
    public_subnets: list[Subnet]
    private_subnets: list[Subnet]
    vpc_cidr: Any
    #: What anything with a public address (NAT, load balancer) must wait for: without the
    #: gateway attached, AWS refuses it ("VPC has no internet gateway"); CloudFormation
    #: cannot see that dependency (DependsOn guide: "When a DependsOn attribute is required").
    internet_attachment: VPCGatewayAttachment
    #: Where the tasks run, and whether each gets a public IPv4 address (`egress`).
    task_subnets: list[Subnet]
    assign_public_ip: bool
    #: The routes the tasks reach the internet by: a task started before them cannot pull
    #: its image, and nothing in the service's properties tells CloudFormation so.
    egress_routes: list[str]
    #: Route tables of the subnets the tasks and data stores live in (the VPN's routes to
    #: the on-premise network propagate into these).
    inside_route_tables: list[RouteTable]


def subnet_cidrs(vpc_cidr: ipaddress.IPv4Network) -> dict[str, str]:
    """The four subnet ranges of a VPC range: its equal quarters."""
    quarters = list(vpc_cidr.subnets(prefixlen_diff=2))
    names = ["PublicSubnet1Cidr", "PublicSubnet2Cidr", "PrivateSubnet1Cidr", "PrivateSubnet2Cidr"]
    return {name: str(net) for name, net in zip(names, quarters, strict=True)}


def environment_mapping(app: AppConfig) -> dict[str, dict[str, str]]:
    """The `EnvironmentConfig` mapping: each environment's VPC and subnet ranges."""
    return {
        name: {"VpcCidr": str(env.vpc_cidr), **subnet_cidrs(env.vpc_cidr)}
        for name, env in app.environments.items()
    }


def build(draft: Draft, key: Key) -> Network:
    draft.template.add_mapping("EnvironmentConfig", environment_mapping(draft.target.app))
    vpc = draft.add(
        VPC(
            "VPC",
            CidrBlock=draft.env_config("VpcCidr"),
            EnableDnsSupport=True,
            EnableDnsHostnames=True,
            Tags=draft.tags("vpc"),
        )
    )
    igw = draft.add(InternetGateway("InternetGateway", Tags=draft.tags("igw")))
    attachment = draft.add(
        VPCGatewayAttachment("VPCGatewayAttachment", VpcId=Ref(vpc), InternetGatewayId=Ref(igw))
    )

    public_rt = draft.add(RouteTable("PublicRouteTable", VpcId=Ref(vpc), Tags=draft.tags("public")))
    public_route = draft.add(
        Route(
            "PublicDefaultRoute",
            RouteTableId=Ref(public_rt),
            DestinationCidrBlock="0.0.0.0/0",
            GatewayId=Ref(igw),
            DependsOn=[attachment.title],
        )
    )

    public_tasks = draft.settings.egress == "public"
    public, private, private_rts, nats, private_routes = [], [], [], [], []
    for i in range(1, AZ_COUNT + 1):
        az = Select(i - 1, GetAZs(""))
        subnet = draft.add(
            Subnet(
                f"PublicSubnet{i}",
                VpcId=Ref(vpc),
                AvailabilityZone=az,
                CidrBlock=draft.env_config(f"PublicSubnet{i}Cidr"),
                # Nothing launched here needs a public IP by default: the ALB and NAT get theirs.
                MapPublicIpOnLaunch=False,
                Tags=draft.tags(f"public-{i}", Tier="public"),
            )
        )
        draft.add(
            SubnetRouteTableAssociation(
                f"PublicSubnet{i}RouteTableAssociation",
                SubnetId=Ref(subnet),
                RouteTableId=Ref(public_rt),
            )
        )
        public.append(subnet)

    # One NAT gateway per AZ keeps each AZ's egress alive when the other AZ fails (prod);
    # one shared NAT gateway halves the fixed cost (staging); none with `egress: public`.
    for i in range(1, (0 if public_tasks else draft.settings.nat_gateways) + 1):
        eip = draft.add(
            EIP(
                f"NatEip{i}",
                Domain="vpc",
                DependsOn=[attachment.title],
                Tags=draft.tags(f"nat-{i}"),
            )
        )
        nats.append(
            draft.add(
                NatGateway(
                    f"NatGateway{i}",
                    AllocationId=GetAtt(eip, "AllocationId"),
                    SubnetId=Ref(public[i - 1]),
                    Tags=draft.tags(f"nat-{i}"),
                )
            )
        )

    for i in range(1, AZ_COUNT + 1):
        subnet = draft.add(
            Subnet(
                f"PrivateSubnet{i}",
                VpcId=Ref(vpc),
                AvailabilityZone=Select(i - 1, GetAZs("")),
                CidrBlock=draft.env_config(f"PrivateSubnet{i}Cidr"),
                MapPublicIpOnLaunch=False,
                Tags=draft.tags(f"private-{i}", Tier="private"),
            )
        )
        route_table = draft.add(
            RouteTable(f"PrivateRouteTable{i}", VpcId=Ref(vpc), Tags=draft.tags(f"private-{i}"))
        )
        if nats:
            route = Route(
                f"PrivateDefaultRoute{i}",
                RouteTableId=Ref(route_table),
                DestinationCidrBlock="0.0.0.0/0",
                NatGatewayId=Ref(nats[min(i, len(nats)) - 1]),
            )
            private_routes.append(draft.add(route).title)
        draft.add(
            SubnetRouteTableAssociation(
                f"PrivateSubnet{i}RouteTableAssociation",
                SubnetId=Ref(subnet),
                RouteTableId=Ref(route_table),
            )
        )
        private.append(subnet)
        private_rts.append(route_table)

    # The tasks' own route table gets the endpoints too: their S3 and DynamoDB traffic then
    # stays inside AWS's network (RouteTableIds changes in place, AWS::EC2::VPCEndpoint).
    inside = [*private_rts, public_rt] if public_tasks else private_rts
    for logical_id, service in (
        ("S3GatewayEndpoint", "s3"),
        ("DynamoDbGatewayEndpoint", "dynamodb"),
    ):
        draft.add(
            VPCEndpoint(
                logical_id,
                VpcId=Ref(vpc),
                VpcEndpointType="Gateway",
                ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                RouteTableIds=[Ref(rt) for rt in inside],
            )
        )

    _flow_logs(draft, vpc, key)
    draft.output("VpcId", Ref(vpc), "VPC of the environment")
    # Preflight compares it with `vpc_cidr` (PF006) without an EC2 client and call.
    draft.output("VpcCidr", GetAtt(vpc, "CidrBlock"), "IPv4 range of the VPC")
    draft.output(
        "PublicSubnetIds",
        Join(",", [Ref(s) for s in public]),
        "Public subnets (load balancer, NAT), comma-separated",
    )
    draft.output(
        "PrivateSubnetIds",
        Join(",", [Ref(s) for s in private]),
        "Private subnets (tasks, data stores), comma-separated",
    )
    return Network(
        vpc,
        public,
        private,
        draft.env_config("VpcCidr"),
        attachment,
        task_subnets=public if public_tasks else private,
        assign_public_ip=public_tasks,
        egress_routes=[public_route.title] if public_tasks else private_routes,
        inside_route_tables=inside,
    )


def _flow_logs(draft: Draft, vpc: VPC, key: Key) -> None:
    group = draft.log_group("FlowLogGroup", key, "flow-logs")
    role = log_delivery_role(
        draft,
        "FlowLogRole",
        service_role_trust("vpc-flow-logs.amazonaws.com", same_account=True),
        group,
        policy="deliver-flow-logs",
        actions=("CreateLogStream", "PutLogEvents", "DescribeLogStreams"),
        tag="flow-logs",
    )
    draft.add(
        FlowLog(
            "FlowLog",
            ResourceId=Ref(vpc),
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName=Ref(group),
            DeliverLogsPermissionArn=GetAtt(role, "Arn"),
            MaxAggregationInterval=600,
            Tags=draft.tags("flow-logs"),
        )
    )
