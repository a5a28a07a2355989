"""Cost per egress mode and environment: the monthly estimate of every environment at every
phase with each `egress`, and whether its template passes every check.

Usage: python benchmarks/cost.py [--no-checks]

Prices: src/appstack/data/prices/us-east-1.json (730 hours a month). The checks are the ones a
deploy runs (cfn-lint, appstack's rules and checkov, the validation cache bypassed). The last
table prices the option not offered, tasks in the private subnets with interface endpoints
and no way to the internet at all: the endpoints cost more than the NAT gateway they replace.
"""

from __future__ import annotations

import argparse
import os
import time
import typing
from typing import Any

from common import table

from appstack import blueprint, config
from appstack.estimates import cost, prices
from appstack.phases import PHASES

REGION = "us-east-1"
#: Phase 3 needs the address of the VPN's customer gateway.
VPN = {"customer_gateway_ip": "203.0.113.10", "on_premise_cidrs": ["192.168.1.0/24"]}
#: What a Fargate task with no route out needs to start: its image (ECR's API and registry;
#: ECR Public has no endpoint, so the default image could not be pulled at all) and its
#: logs. https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
ENDPOINTS_PHASE_1 = ("ecr.api", "ecr.dkr", "logs")
AZS = 2


def targets(egress: str) -> dict[tuple[str, int], config.Target]:
    defaults = config.parse({})
    app = config.parse(
        {"environments": {env: {"egress": egress, "vpn": VPN} for env in defaults.environments}}
    )
    return {
        (env, phase): config.resolve(app, env, phase)
        for env in app.environments
        for phase in PHASES
    }


def estimates() -> dict[tuple[str, str, int], tuple[float, dict[str, Any]]]:
    table_ = prices.load_prices(REGION)
    found = {}
    for egress in typing.get_args(config.EnvironmentSettings.model_fields["egress"].annotation):
        for (env, phase), target in targets(egress).items():
            template = blueprint.to_dict(blueprint.build(target))
            total = cost.estimate(template, target.env, table_).total
            found[(env, egress, phase)] = (total, template)
    return found


def checked(found: dict[tuple[str, str, int], tuple[float, dict[str, Any]]]) -> dict[Any, str]:
    """Every template through cfn-lint, the rules and checkov, in one run (no cache)."""
    os.environ["APPSTACK_NO_CACHE"] = "1"
    from appstack.checks.validate import validate_many

    keys = list(found)
    built = []
    for env, egress, phase in keys:
        app = config.parse({"environments": {env: {"egress": egress, "vpn": VPN}}})
        built.append((config.resolve(app, env, phase), found[(env, egress, phase)][1]))
    reports = validate_many(built, scan=True)
    return {
        key: "pass" if r.ok else f"{len(r.findings)} finding(s)"
        for key, r in zip(keys, reports, strict=True)
    }


def endpoints_instead(found: dict[tuple[str, str, int], tuple[float, dict[str, Any]]]) -> str:
    p = prices.load_prices(REGION)
    endpoints = len(ENDPOINTS_PHASE_1) * AZS * p.hours_per_month
    rows = []
    for env in config.parse({}).environments:
        nat_total, template = found[(env, "nat_gateway", 1)]
        settings = config.parse({}).environments[env].model_copy(update={"egress": "nat_gateway"})
        items = cost.estimate(template, settings, p).items
        nat = sum(
            i.monthly
            for i in items
            if i.price_key.startswith("nat_gateway_") or i.item.endswith("Elastic IP(s)")
        )
        interface = endpoints * p.usd("vpc_interface_endpoint_az_hour")
        rows.append(
            (
                env,
                f"${nat:.2f}",
                f"${interface:.2f} ({len(ENDPOINTS_PHASE_1)} x {AZS} AZs)",
                f"${nat_total - nat + interface:.2f}",
                f"${nat_total:.2f}",
            )
        )
    return table(
        "Not offered: interface endpoints instead of NAT (phase 1, private ECR image only)",
        ["environment", "NAT: hours, data, address", "endpoints", "total", "with NAT"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-checks", action="store_true", help="estimates only")
    args = parser.parse_args()
    started = time.perf_counter()
    found = estimates()
    verdicts = {} if args.no_checks else checked(found)
    defaults = config.parse({}).environments
    rows = []
    for env, egress, phase in sorted(found, key=lambda k: (list(defaults).index(k[0]), k[1])):
        if phase != 1:
            continue
        totals = [found[(env, egress, p)][0] for p in PHASES]
        checks = [verdicts.get((env, egress, p), "-") for p in PHASES]
        status = "pass" if all(c == "pass" for c in checks) else ", ".join(checks)
        default = " (default)" if defaults[env].egress == egress else ""
        rows.append((env, f"{egress}{default}", *(f"${t:.2f}" for t in totals), status))
    print(
        table(
            f"Monthly cost per egress mode, {REGION}, USD (`appstack cost ENV --phase N`), "
            "and cfn-lint + rules + checkov on each template",
            ["environment", "egress", *(f"phase {p}" for p in PHASES), "checks (phases 1-4)"],
            rows,
        )
    )
    print(endpoints_instead(found))
    print(f"\n(took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
