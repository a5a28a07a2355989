"""The phase ladder on the emulator, driven by appstack's deploy workflow (the one
`appstack deploy` and `appstack rollback` run), confirmed through its interaction.

On dev and on prod settings (prod: deletion protection, two NAT gateways, a database
reader), the walk 1 -> 2 -> 3 -> 4 -> 1 -> 4 -> 2 -> 1 and every ordered pair of phases.
After every step each capability of the phase is visible through its own service's API,
nothing of a removed capability remains but what its DeletionPolicy keeps (final
snapshots, retained secrets, vault and buckets), and the table item written at phase 1 is
still there. The account baseline (the Config recorder and the trail, deployed first in each
account) records and logs after every step: no step stops recording.

Each case runs in an AWS account of its own (the emulator takes the account from the
`x-moto-account-id` header), so fixed names and the one Config recorder a Region allows
(https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html) do not
meet between cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from appstack import config, phases
from appstack.deploy import baseline, workflow
from conftest import synth
from deploy.recording import Recording
from emulator.accounts import Account

ENVIRONMENTS = ("dev", "prod")
WALK = (1, 2, 3, 4, 1, 4, 2, 1)
#: Down and up again below phase 4 (whose vault cannot come back yet, see below): every
#: capability removed is added back by a later step.
DOWN_AND_UP = (1, 2, 3, 1, 3, 2, 1, 2)
PAIRS = list(itertools.permutations(phases.PHASES, 2))
#: Phase 3 needs the address of the VPN's customer gateway.
CONFIG = {
    "environments": {e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ENVIRONMENTS}
}
NAT_GATEWAYS = {"dev": 0, "prod": 2}  # dev's tasks have public addresses (`egress: public`)
DB_INSTANCES = {"dev": 1, "prod": 2}  # the writer, and on prod one reader
STACK = "ladder"
BASELINE = config.parse({}).baseline
#: Capabilities seen as several resources (one Config rule per thing checked).
MANY = {"config"}
ITEM = {"pk": {"S": "written-at-phase-1"}, "sk": {"S": "x"}}

_templates: dict[tuple[str, int], dict[str, Any]] = {}


def template(env: str, phase: int) -> dict[str, Any]:
    if (env, phase) not in _templates:
        _templates[env, phase] = synth(CONFIG, env=env, phase=phase)
    return _templates[env, phase]


def deploy(
    account: Account, env: str, phase: int, going_down: bool
) -> tuple[workflow.Result, Recording]:
    """One step through the deploy workflow, confirmed by a person who says yes."""
    target = config.resolve(config.parse(CONFIG), env, phase)
    request = workflow.Request(
        STACK, target, template(env, phase), validate=False, going_down=going_down
    )
    person = Recording(answer=True)
    return workflow.run(account.conn, request, person), person


def physical_ids(account: Account, type_name: str) -> list[str]:
    summaries = account.client("cloudformation").list_stack_resources(StackName=STACK)
    return [
        r["PhysicalResourceId"]
        for r in summaries["StackResourceSummaries"]
        if r["ResourceType"] == type_name
    ]


def _clusters(a: Account) -> list[str]:
    return [c["DBClusterIdentifier"] for c in a.client("rds").describe_db_clusters()["DBClusters"]]


def _rules(a: Account) -> list[str]:
    """The environment's Config rules (the baseline's own rule is not the stack's)."""
    found = a.client("config").describe_config_rules()["ConfigRules"]
    return [r["ConfigRuleName"] for r in found if r["ConfigRuleName"].startswith(f"{STACK}-")]


def _web_acls(a: Account) -> list[str]:
    return [w["Name"] for w in a.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"]]


def _vpn_connections(a: Account) -> list[str]:
    found = a.client("ec2").describe_vpn_connections()["VpnConnections"]
    return [v["VpnConnectionId"] for v in found if v["State"] != "deleted"]


def _caches(a: Account) -> list[str]:
    found = a.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    return [g["ReplicationGroupId"] for g in found]


def _backup_plans(a: Account) -> list[str]:
    return [p["BackupPlanId"] for p in a.client("backup").list_backup_plans()["BackupPlansList"]]


def _groups(a: Account) -> list[str]:
    return [g["GroupName"] for g in a.client("resource-groups").list_groups()["GroupIdentifiers"]]


#: Each removable capability, seen through its own service; none of them is kept by a
#: DeletionPolicy (the secrets, the vault and the buckets are, so they are not listed).
#: `audit` is the account baseline's trail: nothing of the stack's (checked in `check`).
SEEN: dict[str, Callable[[Account], list[str]]] = {
    "database": _clusters,
    "config": _rules,
    "firewall": _web_acls,
    "vpn": _vpn_connections,
    "cache": _caches,
    "backup": _backup_plans,
    "insights": _groups,
}


def _final_snapshots(a: Account) -> dict[str, int]:
    """Manual snapshots (what a Snapshot policy leaves) of the database and the cache."""
    clusters = a.client("rds").describe_db_cluster_snapshots(SnapshotType="manual")
    caches = a.client("elasticache").describe_snapshots()["Snapshots"]
    return {"database": len(clusters["DBClusterSnapshots"]), "cache": len(caches)}


def check(account: Account, env: str, phase: int, snapshotted: set[str]) -> None:
    """Everything of `phase` is there, nothing of a removed capability but the final
    snapshot of the database and the cache (their DeletionPolicy), and the item."""
    present = set(phases.capabilities(phase))
    for capability, snapshots in _final_snapshots(account).items():
        assert (snapshots > 0) == (capability in snapshotted), (phase, capability, snapshots)
    for capability, seen in SEEN.items():
        found = seen(account)
        if capability in present:
            assert len(found) == 1 or (capability in MANY and found), (phase, capability, found)
        else:
            assert found == [], (phase, capability, found)
    if "database" in present:
        cluster = physical_ids(account, "AWS::RDS::DBCluster")[0]
        instances = account.client("rds").describe_db_instances()["DBInstances"]
        members = [i for i in instances if i.get("DBClusterIdentifier") == cluster]
        assert len(members) == DB_INSTANCES[env]
    if "firewall" in present:
        balancer = physical_ids(account, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0]
        acl = account.client("wafv2").get_web_acl_for_resource(ResourceArn=balancer)
        assert acl["WebACL"]["Name"] == _web_acls(account)[0]
    if "secrets" in present:
        secrets = account.client("secretsmanager").list_secrets()["SecretList"]
        assert len(secrets) >= len(physical_ids(account, "AWS::SecretsManager::Secret")) > 0
    recorded = baseline.status(account.conn, BASELINE)
    assert recorded.recording and recorded.logging, (phase, recorded)
    nat = account.client("ec2").describe_nat_gateways()["NatGateways"]
    assert len([n for n in nat if n["State"] == "available"]) == NAT_GATEWAYS[env]
    table = physical_ids(account, "AWS::DynamoDB::Table")[0]
    assert account.client("dynamodb").get_item(TableName=table, Key=ITEM).get("Item") == ITEM


def climb(endpoint: str, env: str, steps: tuple[int, ...]) -> None:
    account = Account(endpoint)
    assert baseline.deploy(account.conn, BASELINE, Recording(), validate=False).ok
    built: set[str] = set()
    snapshotted: set[str] = set()  # removed at least once: their final snapshot stays
    for number, phase in enumerate(steps):
        going_down = number > 0 and phase < steps[number - 1]
        result, person = deploy(account, env, phase, going_down)
        at = (steps[: number + 1], result.status, result.outcome and result.outcome.failure)
        assert result.ok, at
        if number == 0:
            table = physical_ids(account, "AWS::DynamoDB::Table")[0]
            account.client("dynamodb").put_item(TableName=table, Item=ITEM)
        present = set(phases.capabilities(phase))
        before = set(phases.capabilities(steps[number - 1])) if number else set()
        if env == "prod" and "database" in before - present:
            # Shown, then confirmed: the question names the protection lifted first.
            [question] = person.asked
            assert "Lift the deletion protection of DatabaseCluster" in question, at
            assert result.lifted == {"DatabaseCluster"}, at
        snapshotted |= built - present
        check(account, env, phase, snapshotted)
        built |= present


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_walk_up_and_down_the_ladder(emulator_endpoint: str, env: str) -> None:
    climb(emulator_endpoint, env, WALK)


def test_capabilities_removed_and_added_again_are_created_again(emulator_endpoint: str) -> None:
    climb(emulator_endpoint, "dev", DOWN_AND_UP)


@pytest.mark.parametrize(
    ("env", "first", "second"),
    [pytest.param(e, a, b, id=f"{e}-{a}-{b}") for e in ENVIRONMENTS for a, b in PAIRS],
)
def test_moving_between_two_phases(
    emulator_endpoint: str, env: str, first: int, second: int
) -> None:
    """From phase 1 (where the item is written) to `first`, then to `second`."""
    climb(emulator_endpoint, env, (1, first, second) if first != 1 else (first, second))
