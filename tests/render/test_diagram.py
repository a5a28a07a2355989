"""Diagram: nodes in their zones, flows as edges, the new capabilities highlighted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appstack.errors import UsageError
from appstack.render import diagram
from conftest import Template


def test_phase_1_nodes_sit_in_public_private_and_regional_zones(prod: Template) -> None:
    picture = diagram.build(prod)
    zones = {n.id: n.zone for n in picture.nodes}
    assert zones["LoadBalancer"] == "public"
    assert zones["NatGateway1"] == "public"
    assert zones["Service"] == "app"
    assert zones["Table"] == "region"
    assert zones["Internet"] == "outside"


def test_alarms_collapse_into_one_node_with_their_count(dev: Template) -> None:
    picture = diagram.build(dev)
    alarms = sum(1 for r in dev["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")
    assert picture.node("Alarms").label == f"CloudWatch alarms ({alarms})"


def test_with_public_egress_the_tasks_sit_in_the_public_subnets(dev: Template) -> None:
    picture = diagram.build(dev)
    assert picture.node("Service").zone == "public"
    edges = {(e.source, e.target, e.label) for e in picture.edges}
    assert ("Service", "InternetGateway", "egress") in edges
    assert "AppTier" not in diagram.to_mermaid(picture)  # no empty application tier


def test_phase_1_edges_follow_the_request_and_the_data(prod: Template) -> None:
    edges = {(e.source, e.target) for e in diagram.build(prod).edges}
    assert {
        ("Internet", "LoadBalancer"),
        ("LoadBalancer", "Service"),
        ("Service", "Table"),
        ("Service", "NatGateway1"),
        ("Alarms", "AlarmTopic"),
    } <= edges


def test_prod_draws_both_nat_gateways(prod: Template) -> None:
    ids = {n.id for n in diagram.build(prod).nodes}
    assert {"NatGateway1", "NatGateway2"} <= ids


def test_mermaid_nests_the_tiers_in_the_subnets_in_the_vpc(prod: Template) -> None:
    text = diagram.to_mermaid(diagram.build(prod))
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    order = [
        lines.index('  subgraph VPC["VPC"]'),
        lines.index('    subgraph Public["Public subnets (one per AZ)"]'),
        lines.index('    subgraph Private["Private subnets (one per AZ)"]'),
        lines.index('      subgraph AppTier["Application tier"]'),
        lines.index('        Service["ECS service on Fargate<br/>Service"]'),
    ]
    assert order == sorted(order)
    assert "  LoadBalancer -->|HTTP to tasks| Service" in lines
    assert '  Internet(["Users (internet)"])' in lines


def test_capabilities_new_in_the_phase_carry_the_new_class() -> None:
    later: dict[str, Any] = {
        "Resources": {
            "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer"},
            "Acl": {"Type": "AWS::WAFv2::WebACL"},
            "Db": {"Type": "AWS::RDS::DBCluster"},
            "Svc": {"Type": "AWS::ECS::Service"},
        }
    }
    picture = diagram.build(later, {"firewall", "database"})
    text = diagram.to_mermaid(picture)
    assert "  class Acl,Db new" in text.splitlines()
    edges = {(e.source, e.target) for e in picture.edges}
    assert ("Internet", "Acl") in edges and ("Acl", "Lb") in edges
    assert ("Internet", "Lb") not in edges  # with a firewall, traffic passes it first
    assert ("Svc", "Db") in edges
    assert 'subgraph DataTier["Data tier"]' in text


def test_a_vpn_connects_the_on_premise_network() -> None:
    picture = diagram.build({"Resources": {"Vpn": {"Type": "AWS::EC2::VPNConnection"}}})
    assert ("Vpn", "OnPremise") in {(e.source, e.target) for e in picture.edges}


def test_writing_mermaid_needs_nothing_installed(dev: Template, tmp_path: Path) -> None:
    path = diagram.write(diagram.build(dev), tmp_path / "env.mmd", "myapp-dev")
    assert path.read_text().startswith("flowchart LR")


def test_an_image_without_graphviz_says_how_to_install_it(
    dev: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda _name: None)
    with pytest.raises(diagram.DiagramToolMissing, match="apt-get install graphviz"):
        diagram.write(diagram.build(dev), tmp_path / "env.png", "myapp-dev")


def test_an_unknown_extension_is_a_usage_error(dev: Template, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.mmd"):
        diagram.write(diagram.build(dev), tmp_path / "env.pdf", "myapp-dev")


def test_the_readme_shows_the_diagram_of_every_phase_as_drawn_today(tmp_path: Path) -> None:
    from appstack.cli import main
    from appstack.phases import PHASES

    root = Path(__file__).parent.parent.parent
    readme = (root / "README.md").read_text()
    for phase in PHASES:
        out = tmp_path / f"phase{phase}.mmd"
        args = ["diagram", "dev", "--phase", str(phase), "-o", str(out)]
        try:
            main([*args, "-c", str(root / "demo" / "appstack.yaml")])
        except SystemExit as exc:
            assert exc.code in (0, None)
        drawn = out.read_text()
        assert (root / "docs" / f"phase{phase}.mmd").read_text() == drawn, phase
        assert drawn.strip() in readme, phase
