"""Cheaper choices for a template, each with what it would save per month."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from appstack.config import EnvironmentSettings
from appstack.estimates.line_items import LineItem
from appstack.estimates.prices import PriceTable
from appstack.template import Template, properties, resources


@dataclass(frozen=True)
class Hint:
    """A cheaper choice and what it would save per month (0 when it depends on traffic)."""

    message: str
    saving: float


def hints(
    t: Template, env: EnvironmentSettings, items: Iterable[LineItem], p: PriceTable
) -> list[Hint]:
    """Cheaper choices for this template, with their monthly saving."""
    found: list[Hint] = []
    items = list(items)
    production = env.deletion_protection
    hours = p.hours_per_month
    nats = len(resources(t, "AWS::EC2::NatGateway"))
    if nats > 1 and not production:
        saving = (nats - 1) * hours * (p.usd("nat_gateway_hour") + p.usd("public_ipv4_hour"))
        found.append(
            Hint(f"one NAT gateway instead of {nats} (`nat_gateways: 1`; no AZ redundancy)", saving)
        )
    if nats and not production and (public := _public_egress(env, items, p)):
        found.append(public)
    if nats and not _has_gateway_endpoints(t):
        found.append(
            Hint(
                "gateway endpoints for S3 and DynamoDB are free and keep their traffic off "
                "the NAT data charge",
                0.0,
            )
        )
    x86 = [i for i in items if i.price_key.startswith("fargate_x86_")]
    if x86:
        arm = sum(i.quantity * p.usd(i.price_key.replace("_x86_", "_arm_")) for i in x86)
        found.append(
            Hint(
                "ARM64 (Graviton) tasks: `architecture: ARM64` (needs an arm64 image)",
                sum(i.monthly for i in x86) - arm,
            )
        )
    fargate = sum(i.monthly for i in items if i.price_key.startswith("fargate_"))
    if fargate and not production:
        found.append(
            Hint(
                "Fargate Spot for this non-production environment (up to 70% off; tasks can "
                "be stopped with 2 minutes' notice)",
                fargate * p.usd("fargate_spot_discount"),
            )
        )
    database = [i for i in items if i.price_key.startswith("aurora_sv2_acu_hour")]
    if database and not production and any(i.monthly for i in database):
        found.append(
            Hint(
                "let the dev database pause: `database: {min_capacity: 0}` (resumes in seconds)",
                sum(i.monthly for i in database),
            )
        )
    redis = [i for i in items if i.capability == "cache" and "redis" in i.item and i.monthly]
    factor = p.get("elasticache_valkey_node_factor")
    if redis and factor is not None:
        found.append(
            Hint(
                "Valkey instead of Redis OSS: `cache: {engine: valkey}`",
                sum(i.monthly for i in redis) * (1 - factor.usd),
            )
        )
    return found


def _public_egress(env: EnvironmentSettings, items: list[LineItem], p: PriceTable) -> Hint | None:
    """`egress: public`: no NAT gateway (its hours, data and addresses), one public IPv4
    address per task instead; None when the tasks' addresses cost as much or more."""
    nat = sum(
        i.monthly
        for i in items
        if i.price_key.startswith("nat_gateway_") or i.item.endswith("Elastic IP(s)")
    )
    addresses = env.desired_count * p.hours_per_month * p.usd("public_ipv4_hour")
    if nat <= addresses:
        return None
    return Hint(
        "tasks in the public subnets, no NAT gateway: `egress: public` (a public IPv4 "
        "address per task; only the load balancer can reach them, see README Egress)",
        nat - addresses,
    )


def _has_gateway_endpoints(t: Template) -> bool:
    names = " ".join(
        json.dumps(properties(r).get("ServiceName", ""))
        for r in resources(t, "AWS::EC2::VPCEndpoint").values()
        if properties(r).get("VpcEndpointType", "Gateway") == "Gateway"
    )
    return ".s3" in names and ".dynamodb" in names
