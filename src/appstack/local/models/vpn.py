"""The site-to-site VPN on moto's EC2 backend: AWS::EC2::CustomerGateway and VPNConnection.
moto 5.2.5 has neither VPN connection routes nor route propagation: those stay placeholders."""

from __future__ import annotations

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.ec2.models import ec2_backends

from appstack.local.models._base import BackendModel, Place, Props, model, tag_dict


@model("AWS::EC2::CustomerGateway")
class CustomerGateway(BackendModel, CloudFormationModel, BaseModel):
    """The customer's end of the VPN; Ref is its ID."""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> CustomerGateway:
        gateway = at.backend(ec2_backends).create_customer_gateway(
            gateway_type=p.get("Type", "ipsec.1"),
            ip_address=p["IpAddress"],
            bgp_asn=str(p.get("BgpAsn", 65000)),
            tags=tag_dict(p),
        )
        return cls(str(gateway.id))

    def remove(self, at: Place) -> None:
        at.backend(ec2_backends).delete_customer_gateway(self.physical_id)


@model("AWS::EC2::VPNConnection")
class VPNConnection(BackendModel, CloudFormationModel, BaseModel):
    """The VPN connection; Ref is its ID."""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> VPNConnection:
        """Without a gateway too, as EC2 makes it: a connection for AWS Cloud WAN has none
        until the core network attaches it (CreateSiteToSiteVpnAttachment, by its ARN)."""
        connection = at.backend(ec2_backends).create_vpn_connection(
            vpn_conn_type=p.get("Type", "ipsec.1"),
            customer_gateway_id=p["CustomerGatewayId"],
            vpn_gateway_id=p.get("VpnGatewayId"),
            transit_gateway_id=p.get("TransitGatewayId"),
            tags=tag_dict(p),
        )
        return cls(str(connection.id))

    def remove(self, at: Place) -> None:
        at.backend(ec2_backends).delete_vpn_connection(self.physical_id)
