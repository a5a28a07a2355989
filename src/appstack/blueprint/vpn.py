"""VPN: a site-to-site IPsec connection from the VPC to the on-premise network.

A virtual private gateway attached to the VPC meets the on-premise device (the customer
gateway) over two IPsec tunnels. On-premise routes reach the private subnets by route
propagation (learned over BGP, or the static routes listed), and the tasks accept the
application port from the on-premise ranges listed.
"""

from __future__ import annotations

import ipaddress

from troposphere import Ref
from troposphere.ec2 import (
    CustomerGateway,
    SecurityGroup,
    SecurityGroupIngress,
    VPCGatewayAttachment,
    VPNConnection,
    VPNConnectionRoute,
    VPNGateway,
    VPNGatewayRoutePropagation,
)

from appstack.blueprint.draft import Draft
from appstack.blueprint.network import Network
from appstack.config import vpn_facts

#: The only VPN type AWS offers (AWS::EC2::VPNGateway, CustomerGateway, VPNConnection Type).
VPN_TYPE = "ipsec.1"


def cidr_id(cidr: ipaddress.IPv4Network) -> str:
    """A range as a logical-id part, by content: 192.168.1.0/24 -> 19216800100024 (each
    octet in three digits, the prefix in two), so removing one range never renames another.
    Numbered by position, resource N's replacement would be the rule resource N+1 still
    holds, and EC2 refuses the duplicate."""
    octets = "".join(f"{int(o):03d}" for o in str(cidr.network_address).split("."))
    return f"{octets}{cidr.prefixlen:02d}"


def build(draft: Draft, network: Network, task_sg: SecurityGroup) -> VPNConnection:
    vpn = draft.settings.vpn
    gateway = VPNGateway("VpnGateway", Type=VPN_TYPE, Tags=draft.tags("vpn"))
    if vpn.amazon_side_asn is not None:
        gateway.AmazonSideAsn = vpn.amazon_side_asn
    draft.add(gateway)
    attachment = draft.add(
        VPCGatewayAttachment(
            "VpnGatewayAttachment", VpcId=Ref(network.vpc), VpnGatewayId=Ref(gateway)
        )
    )

    customer = CustomerGateway(
        "CustomerGateway",
        Type=VPN_TYPE,
        IpAddress=str(vpn.customer_gateway_ip),
        Tags=draft.tags("on-premise"),
    )
    # BgpAsn takes 1 to 2,147,483,647; larger 4-byte ASNs go in BgpAsnExtended.
    if vpn.bgp_asn < vpn_facts()["customer_bgp_asn"]["extended_from"]:
        customer.BgpAsn = vpn.bgp_asn
    else:
        customer.BgpAsnExtended = vpn.bgp_asn
    draft.add(customer)

    connection = draft.add(
        VPNConnection(
            "VpnConnection",
            Type=VPN_TYPE,
            CustomerGatewayId=Ref(customer),
            VpnGatewayId=Ref(gateway),
            StaticRoutesOnly=vpn.static_routes,
            Tags=draft.tags("vpn"),
        )
    )
    if vpn.static_routes:
        for cidr in vpn.on_premise_cidrs:
            draft.add(
                VPNConnectionRoute(
                    f"VpnRoute{cidr_id(cidr)}",
                    VpnConnectionId=Ref(connection),
                    DestinationCidrBlock=str(cidr),
                )
            )

    # Propagation needs the gateway attached to the VPC of the route tables; nothing else
    # tells CloudFormation so.
    draft.add(
        VPNGatewayRoutePropagation(
            "VpnRoutePropagation",
            VpnGatewayId=Ref(gateway),
            RouteTableIds=[Ref(rt) for rt in network.inside_route_tables],
            DependsOn=[attachment.title],
        )
    )

    port = draft.target.app.port
    for cidr in vpn.on_premise_cidrs:
        draft.add(
            SecurityGroupIngress(
                f"TaskIngressFromOnPremise{cidr_id(cidr)}",
                GroupId=Ref(task_sg),
                IpProtocol="tcp",
                FromPort=port,
                ToPort=port,
                CidrIp=str(cidr),
                Description=f"Application port from on-premise {cidr} over the VPN",
            )
        )

    draft.output("VpnConnectionId", Ref(connection), "Site-to-site VPN connection")
    draft.output("VpnGatewayId", Ref(gateway), "Virtual private gateway of the VPC")
    return connection
