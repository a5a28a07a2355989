"""Checks that span fields (Fargate sizes, counts, Aurora capacity, overlapping ranges, the
VPN), each answering (field, message) pairs, and the facts they read from data/."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from appstack.data import load as data_file
from appstack.phases import capabilities

if TYPE_CHECKING:
    from appstack.config.schema import (
        AppConfig,
        DatabaseSettings,
        EnvironmentSettings,
        VpnSettings,
    )

#: The private IPv4 ranges (RFC 1918): a VPC lives in one, a VPN device's address is outside.
PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)


def cross_checks(config: AppConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name, env in config.environments.items():
        where = f"environments.{name}"
        size_problem = fargate_size_problem(env.cpu, env.memory)
        if size_problem:
            field, message = size_problem
            problems.append((f"{where}.{field}", message))
        if not env.min_count <= env.desired_count <= env.max_count:
            problems.append(
                (
                    f"{where}.desired_count",
                    f"{env.desired_count} is outside min_count..max_count "
                    f"({env.min_count}..{env.max_count}); make min_count <= "
                    "desired_count <= max_count",
                )
            )
        if env.database.min_capacity > env.database.max_capacity:
            problems.append(
                (
                    f"{where}.database.min_capacity",
                    "is above max_capacity; make min_capacity <= max_capacity",
                )
            )
        if (env.database.min_capacity * 2) % 1 or (env.database.max_capacity * 2) % 1:
            problems.append(
                (
                    f"{where}.database",
                    "Aurora capacity comes in steps of 0.5 ACU; use values like 0.5, 1, 1.5, 2",
                )
            )
        for field, message in aurora_capacity_problems(env.database):
            problems.append((f"{where}.database.{field}", message))
    names = list(config.environments)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            net_a, net_b = config.environments[a].vpc_cidr, config.environments[b].vpc_cidr
            if net_a.overlaps(net_b):
                problems.append(
                    (
                        f"environments.{b}.vpc_cidr",
                        f"{net_b} overlaps environments.{a}.vpc_cidr ({net_a}); give "
                        "each environment its own range so they can be peered or "
                        "joined by VPN later",
                    )
                )
    return problems


def vpn_facts() -> dict[str, Any]:
    """ASN ranges and reservations of Site-to-Site VPN (data/vpn.json)."""
    return data_file("vpn")


def needs_vpn_address(env: EnvironmentSettings, phase: int) -> bool:
    """Whether `env` at `phase` builds the site-to-site VPN but lacks the on-premise device's
    address (`resolve` refuses it, naming the field; `synth --all` leaves it out)."""
    return "vpn" in capabilities(phase, env.features) and env.vpn.customer_gateway_ip is None


def vpn_problems(
    vpn: VpnSettings, vpc_cidr: ipaddress.IPv4Network, region: str
) -> list[tuple[str, str]]:
    """Why the VPN settings cannot be deployed in `region` (field, message), or []."""
    facts = vpn_facts()
    ip = vpn.customer_gateway_ip
    if ip is None:
        return [
            (
                "customer_gateway_ip",
                "the VPN (phase 3) needs the public IPv4 address of the on-premise VPN device; "
                "set it, or switch the VPN off with `features: {vpn: false}`",
            )
        ]
    problems: list[tuple[str, str]] = []
    if any(ip in r for r in PRIVATE_RANGES):
        problems.append(
            (
                "customer_gateway_ip",
                f"{ip} is a private address; the VPN device needs a static public IPv4 "
                "address the internet can reach",
            )
        )
    if vpn.bgp_asn in facts["reserved_customer_asn_by_region"].get(region, []):
        problems.append(
            ("bgp_asn", f"ASN {vpn.bgp_asn} is reserved by AWS in {region}; use another ASN")
        )
    amazon_asn = vpn.amazon_side_asn or facts["amazon_side_asn"]["default"]
    if not vpn.static_routes and vpn.bgp_asn == amazon_asn:
        problems.append(
            (
                "bgp_asn",
                f"ASN {vpn.bgp_asn} is the AWS side's own ASN; BGP needs two different ASNs "
                "(use another bgp_asn or set amazon_side_asn)",
            )
        )
    if vpn.static_routes and not vpn.on_premise_cidrs:
        problems.append(
            (
                "on_premise_cidrs",
                "static routing needs the on-premise ranges to route; list them, or set "
                "`static_routes: false` to learn them over BGP",
            )
        )
    for cidr in vpn.on_premise_cidrs:
        if cidr.overlaps(vpc_cidr):
            problems.append(
                (
                    "on_premise_cidrs",
                    f"{cidr} overlaps the VPC range {vpc_cidr}; traffic to it could not be "
                    "routed to the VPN",
                )
            )
    return problems


def aurora_facts() -> dict[str, Any]:
    """The Aurora engine appstack deploys and the capacity bounds of its versions
    (data/aurora.json)."""
    return data_file("aurora")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _supports(table: dict[str, str], version: str) -> bool:
    """Whether `version` is at or above its major version's entry in `table`."""
    first = table.get(version.split(".")[0])
    return first is not None and _version(version) >= _version(first)


def aurora_capacity_problems(
    database: DatabaseSettings, engine_version: str | None = None
) -> list[tuple[str, str]]:
    """Why Aurora would refuse this capacity range on `engine_version` (default: the version
    appstack deploys), as (field, message) pairs; [] when it accepts it."""
    facts = aurora_facts()
    version = engine_version or facts["engine_version"]
    engine = f"Aurora PostgreSQL {version}"
    problems: list[tuple[str, str]] = []
    if database.min_capacity < facts["lowest_min_capacity"] and not _supports(
        facts["auto_pause_from_version"], version
    ):
        problems.append(
            (
                "min_capacity",
                f"{database.min_capacity:g} ACU (auto-pause) needs a newer engine than {engine}; "
                f"use {facts['lowest_min_capacity']:g} or more",
            )
        )
    highest = (
        256 if _supports(facts["max_256_from_version"], version) else facts["highest_max_capacity"]
    )
    if database.max_capacity > highest:
        problems.append(
            (
                "max_capacity",
                f"{database.max_capacity:g} ACU is above the {highest} ACU {engine} allows; "
                f"use {highest} or less",
            )
        )
    return problems


def _fargate_sizes() -> dict[str, dict[str, Any]]:
    sizes: dict[str, dict[str, Any]] = data_file("fargate")["memory_by_cpu"]
    return sizes


def fargate_memory_choices(cpu: int) -> list[int] | None:
    """The memory sizes (MiB) Fargate accepts with `cpu` units, or None for an unknown cpu."""
    size = _fargate_sizes().get(str(cpu))
    if size is None:
        return None
    if size.get("values"):
        return list(size["values"])
    return list(range(size["min"], size["max"] + 1, size["step"]))


def fargate_size_problem(cpu: int, memory: int) -> tuple[str, str] | None:
    """The field and the reason why `cpu`/`memory` is not a Fargate task size, or None."""
    choices = fargate_memory_choices(cpu)
    if choices is None:
        return "cpu", (
            f"{cpu} is not a Fargate size; use one of {', '.join(_fargate_sizes())} (1024 = 1 vCPU)"
        )
    if memory not in choices:
        shown = (
            ", ".join(map(str, choices))
            if len(choices) <= 12
            else f"{choices[0]} to {choices[-1]} in steps of {choices[1] - choices[0]}"
        )
        return "memory", f"{memory} does not go with cpu {cpu} on Fargate; use {shown} (MiB)"
    return None
