"""Preflight of the account baseline: ask the account, read-only, what would make its deploy
fail or leave the account with two of what it should have once.

- BP001: the baseline's stack can take an update now (the environment checks' PF001).
- BP002: no AWS Config recorder the baseline does not own: AWS allows one per account and
  Region (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html),
  so a second one fails the deploy.
- BP003: another multi-Region trail already delivers the account's management events; a
  second one is billed per event (https://aws.amazon.com/cloudtrail/pricing/).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.checks.findings import Finding
from appstack.checks.preflight import state_problem, unreachable
from appstack.config import BaselineTarget


def ask_about(
    target: BaselineTarget, stack_name: str, session: Any, stack: dict[str, Any] | None
) -> list[Finding]:
    """The findings for `stack` as the caller has just described it (None: not deployed
    yet), as `preflight.ask_about` for an environment."""
    owned = _owned(session.client("cloudformation"), stack_name) if stack else {}
    findings = _state(stack_name, stack)
    for check in (_recorder, _trails):
        try:
            findings += check(target, session, owned)
        except (ClientError, BotoCoreError) as exc:
            findings.append(unreachable("", exc))
    return findings


def _owned(cfn: Any, name: str) -> dict[str, str]:
    """Physical id -> type of every resource of the baseline's stack."""
    pages = cfn.get_paginator("list_stack_resources").paginate(StackName=name)
    return {
        r.get("PhysicalResourceId", ""): r["ResourceType"]
        for page in pages
        for r in page["StackResourceSummaries"]
    }


def _state(stack_name: str, stack: dict[str, Any] | None) -> list[Finding]:
    found = state_problem(stack_name, stack["StackStatus"]) if stack else None
    return [Finding("BP001", "error", stack_name, *found)] if found else []


def owner_of(cfn: Any, physical_id: str) -> str | None:
    """The stack a resource belongs to (None: no stack's)."""
    try:
        found = cfn.describe_stack_resources(PhysicalResourceId=physical_id)["StackResources"]
    except ClientError:
        return None
    return str(found[0]["StackName"]) if found else None


def _recorder(target: BaselineTarget, session: Any, owned: dict[str, str]) -> list[Finding]:
    recorders = session.client("config").describe_configuration_recorders()[
        "ConfigurationRecorders"
    ]
    foreign = [r["name"] for r in recorders if r["name"] not in owned]
    if not foreign:
        return []
    owner = owner_of(session.client("cloudformation"), foreign[0])
    held = f", held by stack {owner}" if owner else ", made outside CloudFormation"
    fix = (
        f"leave the recording to stack {owner} in this account and Region"
        if owner
        else "delete it once the baseline can take over"
    )
    return [
        Finding(
            "BP002",
            "error",
            "ConfigRecorder",
            f"an AWS Config recorder already records in {target.region} ({foreign[0]}{held}); "
            "AWS allows one per account and Region",
            fix,
        )
    ]


def _trails(target: BaselineTarget, session: Any, owned: dict[str, str]) -> list[Finding]:
    trails = session.client("cloudtrail").describe_trails(includeShadowTrails=True)["trailList"]
    others = [
        t["Name"]
        for t in trails
        if t.get("IsMultiRegionTrail")
        and t["Name"] not in owned
        and t["Name"] != target.settings.trail_name
    ]
    if not others:
        return []
    return [
        Finding(
            "BP003",
            "warning",
            "AuditTrail",
            f"trail {others[0]} already delivers this account's management events; the "
            "baseline's trail would be a second copy, billed per event",
            "delete that trail once the baseline's trail logs",
        )
    ]
