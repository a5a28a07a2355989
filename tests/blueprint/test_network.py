"""Network: a VPC over two AZs, public and private subnets, NAT, endpoints, flow logs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from appstack import config
from appstack.blueprint.network import environment_mapping
from conftest import Template, of_type, props, refs, synth


def test_the_vpc_has_dns_and_takes_its_range_from_the_environment_mapping(dev: Template) -> None:
    vpc = props(dev, "VPC")
    assert vpc["EnableDnsSupport"] is True and vpc["EnableDnsHostnames"] is True
    assert vpc["CidrBlock"] == {
        "Fn::FindInMap": ["EnvironmentConfig", {"Ref": "EnvironmentName"}, "VpcCidr"]
    }
    assert dev["Mappings"]["EnvironmentConfig"]["dev"]["VpcCidr"] == "10.10.0.0/16"


def test_two_public_and_two_private_subnets_span_two_availability_zones(dev: Template) -> None:
    subnets = of_type(dev, "AWS::EC2::Subnet")
    assert sorted(subnets) == ["PrivateSubnet1", "PrivateSubnet2", "PublicSubnet1", "PublicSubnet2"]
    for tier in ("Public", "Private"):
        zones = [
            props(dev, f"{tier}Subnet{i}")["AvailabilityZone"]["Fn::Select"][0] for i in (1, 2)
        ]
        assert zones == [0, 1]
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets.values())


def test_subnet_ranges_are_disjoint_quarters_inside_each_vpc_range() -> None:
    for env in environment_mapping(config.parse({})).values():
        vpc = ipaddress.ip_network(env.pop("VpcCidr"))
        nets = [ipaddress.ip_network(c) for c in env.values()]
        assert all(n.subnet_of(vpc) and n.prefixlen == vpc.prefixlen + 2 for n in nets)
        assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def test_public_subnets_route_to_the_internet_gateway(dev: Template) -> None:
    route = props(dev, "PublicDefaultRoute")
    assert route["GatewayId"] == {"Ref": "InternetGateway"}
    assert route["DestinationCidrBlock"] == "0.0.0.0/0"
    assert dev["Resources"]["PublicDefaultRoute"]["DependsOn"] == ["VPCGatewayAttachment"]


def test_staging_shares_one_nat_gateway_between_both_private_subnets(
    build_template: Callable[..., Template],
) -> None:
    staging = build_template("staging")
    assert list(of_type(staging, "AWS::EC2::NatGateway")) == ["NatGateway1"]
    for i in (1, 2):
        assert props(staging, f"PrivateDefaultRoute{i}")["NatGatewayId"] == {"Ref": "NatGateway1"}


def test_prod_gives_each_availability_zone_its_own_nat_gateway(prod: Template) -> None:
    assert sorted(of_type(prod, "AWS::EC2::NatGateway")) == ["NatGateway1", "NatGateway2"]
    for i in (1, 2):
        assert props(prod, f"PrivateDefaultRoute{i}")["NatGatewayId"] == {"Ref": f"NatGateway{i}"}
        nat_subnet = props(prod, f"NatGateway{i}")["SubnetId"]
        assert nat_subnet == {"Ref": f"PublicSubnet{i}"}


def test_s3_and_dynamodb_traffic_takes_gateway_endpoints_on_private_routes(
    prod: Template,
) -> None:
    endpoints = of_type(prod, "AWS::EC2::VPCEndpoint")
    services = sorted(
        e["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[1] for e in endpoints.values()
    )
    assert services == ["dynamodb", "s3"]
    for endpoint in endpoints.values():
        assert endpoint["Properties"]["VpcEndpointType"] == "Gateway"
        assert refs(endpoint["Properties"]["RouteTableIds"]) == {
            "PrivateRouteTable1",
            "PrivateRouteTable2",
        }


def test_flow_logs_of_all_traffic_go_to_an_encrypted_log_group_with_retention(
    dev: Template,
) -> None:
    flow = props(dev, "FlowLog")
    assert flow["ResourceId"] == {"Ref": "VPC"} and flow["TrafficType"] == "ALL"
    group = props(dev, "FlowLogGroup")
    assert group["RetentionInDays"] == 14
    assert refs(group["KmsKeyId"]) == {"EncryptionKey"}
    [statement] = props(dev, "FlowLogRole")["Policies"][0]["PolicyDocument"]["Statement"]
    assert refs(statement["Resource"]) == {"FlowLogGroup"}


def test_only_this_accounts_flow_logs_may_assume_the_flow_log_role(dev: Template) -> None:
    [trust] = props(dev, "FlowLogRole")["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


# -- egress ------------------------------------------------------------------------------

VPN = {"customer_gateway_ip": "203.0.113.10", "on_premise_cidrs": ["192.168.1.0/24"]}


def _dev4(egress: str) -> Template:
    return synth({"environments": {"dev": {"egress": egress, "vpn": VPN}}}, "dev", 4)


def test_public_egress_has_no_nat_and_no_route_out_of_the_private_subnets(dev: Template) -> None:
    assert not of_type(dev, "AWS::EC2::NatGateway") and not of_type(dev, "AWS::EC2::EIP")
    routes = {props(dev, r)["RouteTableId"]["Ref"] for r in of_type(dev, "AWS::EC2::Route")}
    assert routes == {"PublicRouteTable"}  # the data stores' subnets reach the VPC alone
    for endpoint in of_type(dev, "AWS::EC2::VPCEndpoint").values():
        assert "PublicRouteTable" in refs(endpoint["Properties"]["RouteTableIds"])


def test_switching_egress_keeps_every_subnet_route_table_and_data_store_in_place() -> None:
    """Only NAT and its routes come and go: a data store's subnet group and the VPN's route
    propagation keep their subnets and route tables, so nothing stateful is replaced."""
    nat, public = _dev4("nat_gateway"), _dev4("public")
    behind_nat, direct = set(nat["Resources"]), set(public["Resources"])
    assert behind_nat - direct == {
        "NatEip1",
        "NatGateway1",
        "PrivateDefaultRoute1",
        "PrivateDefaultRoute2",
    }
    assert direct - behind_nat == set()
    changed = {
        name
        for name in direct
        if public["Resources"][name] != nat["Resources"][name]
        and name not in ("Service",)  # its subnets and address: a rolling deployment
    }
    assert changed == {"S3GatewayEndpoint", "DynamoDbGatewayEndpoint", "VpnRoutePropagation"}
    for group in ("DatabaseSubnetGroup", "CacheSubnetGroup"):
        assert refs(props(public, group)["SubnetIds"]) == {"PrivateSubnet1", "PrivateSubnet2"}
