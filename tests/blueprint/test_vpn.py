"""VPN: a site-to-site connection to the on-premise network, routed to the private subnets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appstack import config
from appstack.checks.lint import run_cfn_lint
from appstack.errors import ConfigError
from conftest import Template, of_type, props, refs, synth

ENVIRONMENTS = list(config.parse({}).environments)
ALL_PHASE_3 = {"vpn": True, "cache": True, "tracing": True}


def with_vpn(env: str = "dev", **vpn: Any) -> dict[str, Any]:
    settings = {"customer_gateway_ip": "203.0.113.10", **vpn}
    return {"environments": {env: {"features": {"vpn": True}, "vpn": settings}}}


@pytest.fixture(scope="module")
def dynamic() -> Template:
    return synth(with_vpn(on_premise_cidrs=["192.168.0.0/20", "172.16.0.0/16"]))


@pytest.fixture(scope="module")
def static() -> Template:
    return synth(with_vpn(static_routes=True, on_premise_cidrs=["192.168.0.0/20"]))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environment_with_all_phase_3_capabilities_is_cfn_lint_clean(env: str) -> None:
    data = {
        "environments": {
            e: {
                "features": ALL_PHASE_3,
                "vpn": {
                    "customer_gateway_ip": "203.0.113.10",
                    "static_routes": True,
                    "on_premise_cidrs": ["192.168.0.0/20"],
                },
            }
            for e in ENVIRONMENTS
        }
    }
    assert run_cfn_lint(synth(data, env=env), ["us-east-1", "eu-west-1"]) == []


def test_every_phase_3_resource_is_tagged_with_application_and_environment() -> None:
    data = with_vpn(static_routes=True, on_premise_cidrs=["192.168.0.0/20"])
    data["environments"]["dev"]["features"] = ALL_PHASE_3
    untaggable = {
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::VPNConnectionRoute",
        "AWS::EC2::VPNGatewayRoutePropagation",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    }
    phase_1 = set(synth()["Resources"])
    added = {k: v for k, v in synth(data)["Resources"].items() if k not in phase_1}
    assert len(added) >= 10
    for logical_id, resource in added.items():
        if resource["Type"] in untaggable:
            continue
        tags = {t["Key"] for t in resource["Properties"].get("Tags", [])}
        assert {"Application", "Environment", "Name"} <= tags, logical_id


def test_the_virtual_private_gateway_is_attached_to_the_vpc(dynamic: Template) -> None:
    assert props(dynamic, "VpnGateway")["Type"] == "ipsec.1"
    attachment = props(dynamic, "VpnGatewayAttachment")
    assert attachment["VpcId"] == {"Ref": "VPC"}
    assert attachment["VpnGatewayId"] == {"Ref": "VpnGateway"}


def test_the_customer_gateway_is_the_on_premise_device(dynamic: Template) -> None:
    customer = props(dynamic, "CustomerGateway")
    assert customer == {**customer, "Type": "ipsec.1", "IpAddress": "203.0.113.10", "BgpAsn": 65000}


def test_the_connection_joins_the_two_gateways(dynamic: Template) -> None:
    connection = props(dynamic, "VpnConnection")
    assert connection["Type"] == "ipsec.1"
    assert connection["CustomerGatewayId"] == {"Ref": "CustomerGateway"}
    assert connection["VpnGatewayId"] == {"Ref": "VpnGateway"}


def test_dynamic_routing_learns_routes_over_bgp(dynamic: Template) -> None:
    assert props(dynamic, "VpnConnection")["StaticRoutesOnly"] is False
    assert of_type(dynamic, "AWS::EC2::VPNConnectionRoute") == {}


def test_static_routing_routes_each_on_premise_range(static: Template) -> None:
    assert props(static, "VpnConnection")["StaticRoutesOnly"] is True
    [route] = of_type(static, "AWS::EC2::VPNConnectionRoute").values()
    assert route["Properties"] == {
        "DestinationCidrBlock": "192.168.0.0/20",
        "VpnConnectionId": {"Ref": "VpnConnection"},
    }


def test_routes_propagate_to_the_private_route_tables_once_attached(dynamic: Template) -> None:
    propagation = dynamic["Resources"]["VpnRoutePropagation"]
    # dev's tasks run in the public subnets (`egress: public`): their route table learns
    # the on-premise routes too, or the answers to on-premise callers would leave by the
    # internet gateway.
    assert refs(propagation["Properties"]["RouteTableIds"]) == {
        "PrivateRouteTable1",
        "PrivateRouteTable2",
        "PublicRouteTable",
    }
    behind_nat = synth(with_vpn("prod"), env="prod")["Resources"]["VpnRoutePropagation"]
    assert refs(behind_nat["Properties"]["RouteTableIds"]) == {
        "PrivateRouteTable1",
        "PrivateRouteTable2",
    }
    assert propagation["Properties"]["VpnGatewayId"] == {"Ref": "VpnGateway"}
    # Propagation fails unless the gateway is attached to the route tables' VPC first.
    assert propagation["DependsOn"] == ["VpnGatewayAttachment"]


def test_the_tasks_accept_the_app_port_from_each_on_premise_range(dynamic: Template) -> None:
    rules = {r["Properties"]["CidrIp"]: r["Properties"] for r in _on_premise_ingress(dynamic)}
    assert set(rules) == {"192.168.0.0/20", "172.16.0.0/16"}
    for rule in rules.values():
        assert rule["GroupId"] == {"Ref": "TaskSecurityGroup"}
        assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 80, 80)


def test_without_on_premise_ranges_the_tasks_stay_closed_to_the_vpn() -> None:
    assert _on_premise_ingress(synth(with_vpn())) == []


def test_the_vpn_ids_are_outputs(dynamic: Template) -> None:
    assert dynamic["Outputs"]["VpnConnectionId"]["Value"] == {"Ref": "VpnConnection"}
    assert dynamic["Outputs"]["VpnGatewayId"]["Value"] == {"Ref": "VpnGateway"}


def test_the_amazon_side_asn_is_set_only_when_chosen(dynamic: Template) -> None:
    assert "AmazonSideAsn" not in props(dynamic, "VpnGateway")
    chosen = synth(with_vpn(amazon_side_asn=65010))
    assert props(chosen, "VpnGateway")["AmazonSideAsn"] == 65010


@pytest.mark.parametrize("asn", [64511, 65535, 4199999999])
def test_the_amazon_side_asn_must_be_private(asn: int) -> None:
    with pytest.raises(ConfigError, match="amazon_side_asn"):
        config.parse(with_vpn(amazon_side_asn=asn))


def test_a_four_byte_asn_goes_in_bgp_asn_extended() -> None:
    customer = props(synth(with_vpn(bgp_asn=4_200_000_001)), "CustomerGateway")
    assert customer["BgpAsnExtended"] == 4_200_000_001 and "BgpAsn" not in customer
    assert props(synth(with_vpn(bgp_asn=2_147_483_647)), "CustomerGateway")["BgpAsn"] == (
        2_147_483_647
    )


@pytest.mark.parametrize(("region", "asn"), [("us-east-1", 7224), ("eu-west-1", 9059)])
def test_an_asn_aws_reserves_in_the_region_is_refused(region: str, asn: int) -> None:
    data = {**with_vpn(bgp_asn=asn), "region": region}
    with pytest.raises(ConfigError, match=f"bgp_asn: ASN {asn} is reserved by AWS in {region}"):
        synth(data)
    synth({**data, "region": "ap-south-1"})  # reserved only in its own Region


def test_bgp_needs_an_asn_other_than_the_aws_side() -> None:
    with pytest.raises(ConfigError, match="AWS side's own ASN"):
        synth(with_vpn(bgp_asn=64512))
    with pytest.raises(ConfigError, match="AWS side's own ASN"):
        synth(with_vpn(bgp_asn=65010, amazon_side_asn=65010))
    synth(with_vpn(bgp_asn=64512, amazon_side_asn=65010))


def test_the_customer_gateway_needs_a_public_address() -> None:
    with pytest.raises(ConfigError, match=r"customer_gateway_ip: 10\.1\.2\.3 is a private address"):
        synth(with_vpn(customer_gateway_ip="10.1.2.3"))


def test_the_vpn_needs_the_device_address() -> None:
    data = {"environments": {"dev": {"features": {"vpn": True}}}}
    with pytest.raises(ConfigError, match="customer_gateway_ip"):
        synth(data)


def test_static_routing_needs_on_premise_ranges() -> None:
    with pytest.raises(ConfigError, match="on_premise_cidrs: static routing needs"):
        synth(with_vpn(static_routes=True))


def test_an_on_premise_range_may_not_overlap_the_vpc() -> None:
    with pytest.raises(ConfigError, match=r"overlaps the VPC range 10\.10\.0\.0/16"):
        synth(with_vpn(on_premise_cidrs=["10.10.128.0/20"]))


def _on_premise_ingress(template: Template) -> list[dict[str, Any]]:
    return [
        r
        for r in of_type(template, "AWS::EC2::SecurityGroupIngress").values()
        if "CidrIp" in r["Properties"]
    ]


def test_a_missing_device_address_names_the_file_it_is_missing_from(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("environments:\n  dev: {}\n")
    with pytest.raises(ConfigError) as raised:
        config.resolve(config.load(path), "dev", 3)
    assert str(raised.value).startswith(f"{path}: environments.dev.vpn.customer_gateway_ip")


def test_synth_all_leaves_out_exactly_the_phases_that_lack_the_vpn_address() -> None:
    from appstack.cli.options import buildable_targets

    app = config.parse(
        {
            "environments": {
                "dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}},
                "staging": {"features": {"vpn": False}},
            }
        }
    )
    built = {(t.env_name, t.phase) for t in buildable_targets(app)}
    for env, settings in app.environments.items():
        for phase in (1, 2, 3, 4):
            try:
                config.resolve(app, env, phase)
                refused = False
            except config.ConfigError as exc:
                refused = any(f.endswith("customer_gateway_ip") for f, _ in exc.problems)
            assert refused == config.needs_vpn_address(settings, phase), (env, phase)
            assert ((env, phase) in built) != refused, (env, phase)
    assert ("prod", 3) not in built and ("dev", 3) in built and ("staging", 4) in built
