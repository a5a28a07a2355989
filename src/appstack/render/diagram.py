"""A picture of the environment, drawn from its template: Mermaid always, PNG/SVG with Graphviz.

Resources become nodes placed in zones (public subnets, the application and data tiers of the
private subnets, the rest of the VPC, regional services, the edge); kinds that come in numbers
(alarms, log groups, secrets) collapse into one node. Edges say how traffic and data flow. The
capabilities a phase adds are highlighted with the class `new`.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appstack.errors import UsageError

Template = Mapping[str, Any]


@dataclass(frozen=True)
class Kind:
    """How the diagram draws a resource type: its label, zone, capability and icon."""

    label: str
    zone: str
    capability: str
    grouped: bool = False
    icon: str = "diagrams.generic.blank.Blank"


#: What each drawn resource type is called, the zone it sits in and its capability.
_DRAWN: dict[str, tuple[str, str, str]] = {
    "AWS::WAFv2::WebACL": ("WAF web ACL", "edge", "firewall"),
    "AWS::EC2::InternetGateway": ("Internet gateway", "vpc", "network"),
    "AWS::EC2::VPNGateway": ("VPN gateway", "vpc", "vpn"),
    "AWS::EC2::VPNConnection": ("Site-to-site VPN", "vpc", "vpn"),
    "AWS::EC2::VPCEndpoint": ("Gateway endpoint", "vpc", "network"),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Application Load Balancer", "public", "service"),
    "AWS::EC2::NatGateway": ("NAT gateway", "public", "network"),
    "AWS::ECS::Service": ("ECS service on Fargate", "app", "service"),
    "AWS::RDS::DBCluster": ("Aurora Serverless v2", "data", "database"),
    "AWS::ElastiCache::ReplicationGroup": ("ElastiCache", "data", "cache"),
    "AWS::ElastiCache::CacheCluster": ("ElastiCache", "data", "cache"),
    "AWS::DynamoDB::Table": ("DynamoDB table", "region", "table"),
    "AWS::S3::Bucket": ("S3 bucket", "region", "service"),
    "AWS::KMS::Key": ("KMS key", "region", "encryption"),
    "AWS::Logs::LogGroup": ("CloudWatch Logs", "region", "service"),
    "AWS::CloudWatch::Alarm": ("CloudWatch alarms", "region", "alarms"),
    "AWS::SNS::Topic": ("Alarm topic (SNS)", "region", "alarms"),
    "AWS::SecretsManager::Secret": ("Secrets Manager", "region", "secrets"),
    "AWS::Config::ConfigurationRecorder": ("AWS Config", "region", "config"),
    "AWS::Config::ConfigRule": ("Config rules", "region", "config"),
    "AWS::CloudTrail::Trail": ("CloudTrail", "region", "audit"),
    "AWS::XRay::SamplingRule": ("X-Ray", "region", "tracing"),
    "AWS::ApplicationInsights::Application": ("Application Insights", "region", "insights"),
    "AWS::Backup::BackupPlan": ("AWS Backup", "region", "backup"),
}

#: The icon of each drawn resource type in a PNG or SVG, a class of `diagrams.aws`.
_ICONS: dict[str, str] = {
    "AWS::WAFv2::WebACL": "security.WAF",
    "AWS::EC2::InternetGateway": "network.InternetGateway",
    "AWS::EC2::VPNGateway": "network.VpnGateway",
    "AWS::EC2::VPNConnection": "network.VpnConnection",
    "AWS::EC2::VPCEndpoint": "network.Endpoint",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "network.ELB",
    "AWS::EC2::NatGateway": "network.NATGateway",
    "AWS::ECS::Service": "compute.Fargate",
    "AWS::RDS::DBCluster": "database.Aurora",
    "AWS::ElastiCache::ReplicationGroup": "database.Elasticache",
    "AWS::ElastiCache::CacheCluster": "database.Elasticache",
    "AWS::DynamoDB::Table": "database.Dynamodb",
    "AWS::S3::Bucket": "storage.S3",
    "AWS::KMS::Key": "security.KMS",
    "AWS::Logs::LogGroup": "management.CloudwatchLogs",
    "AWS::CloudWatch::Alarm": "management.CloudwatchAlarm",
    "AWS::SNS::Topic": "integration.SNS",
    "AWS::SecretsManager::Secret": "security.SecretsManager",
    "AWS::Config::ConfigurationRecorder": "management.Config",
    "AWS::Config::ConfigRule": "management.Config",
    "AWS::CloudTrail::Trail": "management.Cloudtrail",
    "AWS::XRay::SamplingRule": "devtools.XRay",
    "AWS::ApplicationInsights::Application": "management.Cloudwatch",
    "AWS::Backup::BackupPlan": "storage.Backup",
}

#: Kinds that come in numbers, drawn as one node with their count.
_GROUPED = frozenset(
    {
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::SecretsManager::Secret",
        "AWS::Config::ConfigRule",
        "AWS::XRay::SamplingRule",
    }
)

#: What each drawn resource type looks like and where it sits.
KINDS: dict[str, Kind] = {
    rtype: Kind(label, zone, capability, rtype in _GROUPED, f"diagrams.aws.{_ICONS[rtype]}")
    for rtype, (label, zone, capability) in _DRAWN.items()
}

#: Resources of a shared type that belong to another capability, by logical ID.
BY_LOGICAL_ID: dict[str, str] = {"ConfigBucket": "config", "AuditLogBucket": "audit"}

#: How traffic and data flow between kinds: (from, to, label), each end a resource type or,
#: where one type serves several purposes (buckets), a logical ID.
FLOWS: tuple[tuple[str, str, str], ...] = (
    ("Internet", "AWS::WAFv2::WebACL", "HTTPS"),
    ("AWS::WAFv2::WebACL", "AWS::ElasticLoadBalancingV2::LoadBalancer", "allowed requests"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ECS::Service", "HTTP to tasks"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AccessLogBucket", "access logs"),
    ("AWS::Config::ConfigurationRecorder", "ConfigBucket", "configuration history"),
    ("AWS::CloudTrail::Trail", "AuditLogBucket", "API activity"),
    ("AWS::ECS::Service", "AWS::DynamoDB::Table", "items"),
    ("AWS::ECS::Service", "AWS::RDS::DBCluster", "SQL"),
    ("AWS::ECS::Service", "AWS::ElastiCache::ReplicationGroup", "cache"),
    ("AWS::ECS::Service", "AWS::ElastiCache::CacheCluster", "cache"),
    ("AWS::ECS::Service", "AWS::SecretsManager::Secret", "secrets"),
    ("AWS::ECS::Service", "AWS::XRay::SamplingRule", "traces"),
    ("AWS::ECS::Service", "AWS::Logs::LogGroup", "logs"),
    ("AWS::ECS::Service", "AWS::EC2::NatGateway", "egress"),
    ("AWS::EC2::NatGateway", "AWS::EC2::InternetGateway", "egress"),
    ("AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "notify"),
    ("AWS::Backup::BackupPlan", "AWS::DynamoDB::Table", "backs up"),
    ("AWS::Backup::BackupPlan", "AWS::RDS::DBCluster", "backs up"),
    ("AWS::EC2::VPNConnection", "OnPremise", "IPsec tunnels"),
)

ZONES: dict[str, str] = {
    "public": "Public subnets",
    "app": "Application tier",
    "data": "Data tier",
    "vpc": "VPC",
    "region": "Regional services",
    "edge": "Edge",
}

_OUTSIDE = {
    "Internet": Kind("Users (internet)", "outside", ""),
    "OnPremise": Kind("On-premise network", "outside", "vpn"),
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    zone: str
    capability: str
    resource_type: str
    icon: str


@dataclass(frozen=True)
class Edge:
    """An arrow from one node to another, with what flows along it."""

    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    new_capabilities: frozenset[str]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def build(template: Template, new_capabilities: Iterable[str] = ()) -> Diagram:
    """The diagram of a template; `new_capabilities` are highlighted."""
    by_type: dict[str, list[Node]] = {}
    nodes: list[Node] = []
    for logical_id, resource in template.get("Resources", {}).items():
        kind = _placed(KINDS.get(resource.get("Type", "")), resource)
        if kind is None:
            continue
        rtype = resource["Type"]
        if kind.grouped:
            if rtype in by_type:
                continue
            count = sum(1 for r in template["Resources"].values() if r.get("Type") == rtype)
            node = Node(
                rtype.split("::")[-1] + "s",
                f"{kind.label} ({count})",
                kind.zone,
                kind.capability,
                rtype,
                kind.icon,
            )
        else:
            node = Node(
                logical_id,
                f"{kind.label}<br/>{logical_id}",
                kind.zone,
                BY_LOGICAL_ID.get(logical_id, kind.capability),
                rtype,
                kind.icon,
            )
            by_type[logical_id] = [node]
        nodes.append(node)
        by_type.setdefault(rtype, []).append(node)
    if "AWS::ElasticLoadBalancingV2::LoadBalancer" in by_type:
        by_type["Internet"] = [_outside("Internet")]
    if "AWS::EC2::VPNConnection" in by_type:
        by_type["OnPremise"] = [_outside("OnPremise")]
    nodes.extend(n for key in ("Internet", "OnPremise") for n in by_type.get(key, []))
    edges: list[Edge] = []
    waf = "AWS::WAFv2::WebACL" in by_type
    for source, target, label in FLOWS:
        targets = by_type.get(target, [])
        if source == "Internet" and not waf:
            targets = by_type.get("AWS::ElasticLoadBalancingV2::LoadBalancer", [])
        for s in by_type.get(source, []):
            edges.extend(Edge(s.id, t.id, label) for t in targets)
    edges.extend(  # `egress: public`: the tasks' own addresses, through the internet gateway
        Edge(s.id, gateway.id, "egress")
        for s in by_type.get("AWS::ECS::Service", [])
        if s.zone == "public"
        for gateway in by_type.get("AWS::EC2::InternetGateway", [])
    )
    return Diagram(tuple(nodes), tuple(edges), frozenset(new_capabilities))


def _placed(kind: Kind | None, resource: Mapping[str, Any]) -> Kind | None:
    """Tasks with a public address each (`egress: public`) sit in the public subnets."""
    network = resource.get("Properties", {}).get("NetworkConfiguration", {})
    if kind is not None and network.get("AwsvpcConfiguration", {}).get("AssignPublicIp") == (
        "ENABLED"
    ):
        return Kind(kind.label, "public", kind.capability, kind.grouped, kind.icon)
    return kind


def _outside(key: str) -> Node:
    kind = _OUTSIDE[key]
    return Node(key, kind.label, kind.zone, kind.capability, key, "diagrams.onprem.client.Users")


# ---------------------------------------------------------------- Mermaid


def to_mermaid(diagram: Diagram) -> str:
    """Mermaid flowchart text: VPC > public / private (application, data tiers), then the region."""
    lines = ["flowchart LR"]
    in_zone = {zone: [n for n in diagram.nodes if n.zone == zone] for zone in [*ZONES, "outside"]}

    def emit(nodes: list[Node], indent: str) -> None:
        for n in nodes:
            shape = ('(["', '"])') if n.zone == "outside" else ('["', '"]')
            lines.append(f"{indent}{n.id}{shape[0]}{_escape(n.label)}{shape[1]}")

    def boxed(depth: int, name: str, title: str, zone: str, always: bool = False) -> None:
        """A subgraph of one zone's nodes (left out when the zone is empty, unless `always`)."""
        if in_zone[zone] or always:
            pad = "  " * depth
            lines.append(f'{pad}subgraph {name}["{title}"]')
            emit(in_zone[zone], pad + "  ")
            lines.append(f"{pad}end")

    emit(in_zone["outside"], "  ")
    boxed(1, "Edge", "Edge", "edge")
    lines.append('  subgraph VPC["VPC"]')
    emit(in_zone["vpc"], "    ")
    boxed(2, "Public", "Public subnets (one per AZ)", "public", always=True)
    lines.append('    subgraph Private["Private subnets (one per AZ)"]')
    boxed(3, "AppTier", "Application tier", "app")
    boxed(3, "DataTier", "Data tier", "data")
    lines.append("    end")
    lines.append("  end")
    boxed(1, "Regional", "Regional services (outside the VPC)", "region")
    for e in diagram.edges:
        lines.append(f"  {e.source} -->|{_escape(e.label)}| {e.target}")
    new = [n.id for n in diagram.nodes if n.capability in diagram.new_capabilities]
    lines.append("  classDef new fill:#d8f5d0,stroke:#2f8f2f,stroke-width:2px")
    if new:
        lines.append(f"  class {','.join(new)} new")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


# ---------------------------------------------------------------- images


class DiagramToolMissing(UsageError):
    """PNG/SVG output needs Graphviz and the `diagrams` package."""


def write(diagram: Diagram, path: Path, title: str) -> Path:
    """Write `.mmd` (Mermaid) or `.png`/`.svg` (through `diagrams` and Graphviz)."""
    suffix = path.suffix.lower()
    if suffix == ".mmd":
        path.write_text(to_mermaid(diagram), encoding="utf-8")
        return path
    if suffix not in (".png", ".svg"):
        raise UsageError(f"{path}: write .mmd (Mermaid), .png or .svg")
    _write_image(diagram, path, title)
    return path


def image_tools_problem() -> str | None:
    """Why a PNG/SVG cannot be drawn here, with how to fix it; None when it can."""
    missing = []
    if shutil.which("dot") is None:
        missing.append("Graphviz (`apt-get install graphviz`, or `brew install graphviz`)")
    try:
        importlib.import_module("diagrams")
    except ImportError:
        missing.append(
            "the diagrams package (`pip install 'appstack[diagram]'` or `pip install diagrams`)"
        )
    if not missing:
        return None
    return (
        "a .png or .svg diagram needs "
        + " and ".join(missing)
        + "; or write Mermaid with `-o FILE.mmd`, which needs nothing"
    )


def _write_image(diagram: Diagram, path: Path, title: str) -> None:  # pragma: no cover - Graphviz
    problem = image_tools_problem()
    if problem:
        raise DiagramToolMissing(problem)
    lib: Any = importlib.import_module("diagrams")
    drawn: dict[str, Any] = {}

    def draw(zone: str) -> None:
        for n in diagram.nodes:
            if n.zone == zone:
                label = n.label.replace("<br/>", "\n")
                if n.capability in diagram.new_capabilities:
                    label += "\n(new in this phase)"
                drawn[n.id] = _icon(n.icon)(label)

    def cluster(zone: str) -> None:
        if any(n.zone == zone for n in diagram.nodes):
            with lib.Cluster(ZONES[zone]):
                draw(zone)

    with lib.Diagram(
        title,
        filename=str(path.with_suffix("")),
        outformat=path.suffix[1:],
        show=False,
        direction="LR",
    ):
        draw("outside")
        cluster("edge")
        with lib.Cluster("VPC"):
            draw("vpc")
            cluster("public")
            with lib.Cluster("Private subnets"):
                cluster("app")
                cluster("data")
        cluster("region")
        for e in diagram.edges:
            drawn[e.source] >> lib.Edge(label=e.label) >> drawn[e.target]


def _icon(dotted: str) -> Any:  # pragma: no cover - Graphviz
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return importlib.import_module("diagrams.generic.blank").Blank
