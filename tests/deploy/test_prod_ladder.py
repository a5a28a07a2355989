"""The phase ladder on production settings (deletion protection, termination protection, two
NAT gateways, a database reader): 1 -> 2 -> 3 -> 4 -> 1 -> 4 -> 2 -> 1.

After every step: the command succeeded, the stack is at the phase, its stack policy denies
Replace and Delete on the data of that phase
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html),
termination protection is on
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html),
the items written at phase 1 are all there, and each phase-down left a final snapshot of each
database cluster and cache it removed (DeletionPolicy Snapshot,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from cli_runner import run
from conftest import remove_stack
from deploy.deploying import on_emulator
from deploy.policies import denied

REGION = "eu-west-3"
LADDER = [1, 2, 3, 4, 1, 4, 2, 1]
#: The data each phase holds, which its stack policy must protect.
DATA = {
    1: {"Table", "EncryptionKey", "AccessLogBucket"},
    2: {"DatabaseCluster"},  # the password is RDS-managed
    3: {"Cache", "CacheAuthSecret"},
    4: {"BackupVault", "AppSecret"},
}
SNAPSHOTS = {
    "AWS::RDS::DBCluster": lambda conn, name: conn.client("rds").describe_db_cluster_snapshots(
        DBClusterIdentifier=name, SnapshotType="manual"
    )["DBClusterSnapshots"],
    # Every snapshot, filtered here: asked by the id of a group that is gone, moto answers
    # ReplicationGroupNotFound.
    "AWS::ElastiCache::ReplicationGroup": lambda conn, name: [
        s
        for s in conn.client("elasticache").describe_snapshots()["Snapshots"]
        if s.get("ReplicationGroupId") == name
    ],
}


def resources(conn: Connection, stack: str) -> dict[str, tuple[str, str]]:
    cfn = conn.client("cloudformation")
    found = {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
        for r in page["StackResourceSummaries"]:
            found[r["LogicalResourceId"]] = (r["ResourceType"], r.get("PhysicalResourceId", ""))
    return found


def test_the_production_ladder_keeps_data_snapshots_and_protection_at_every_step(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = on_emulator(emulator_endpoint, REGION)
    path = tmp_path / "appstack.yaml"
    path.write_text(
        f"application_name: ladder\nregion: {REGION}\nenvironments:\n  prod:\n"
        "    vpn:\n      customer_gateway_ip: 203.0.113.10\n"
    )
    stack, flags = "ladder-prod", ["--yes", "--skip-validate", "-c", str(path)]
    items = [{"pk": {"S": f"item-{n}"}, "sk": {"S": "1"}} for n in range(3)]
    try:
        for step, phase in enumerate(LADDER):
            at = f"step {step} (phase {phase})"
            before = resources(conn, stack) if step else {}
            going_down = step and phase < LADDER[step - 1]
            if going_down:
                argv = ["rollback", stack, "prod", "--to-phase", str(phase), *flags]
            else:
                argv = ["deploy", stack, "prod", "--phase", str(phase), *flags]
            code, out, err = run(argv, capsys)
            assert code == 0, f"{at}: {out}{err}"
            found = stacks.current(conn, stack)
            cfn = conn.client("cloudformation")
            assert found is not None and stacks.deployed_phase(cfn, found) == phase, at
            assert found.get("EnableTerminationProtection"), f"{at}: no termination protection"
            must = set().union(*(DATA[p] for p in range(1, phase + 1)))
            assert must <= denied(conn.client("cloudformation"), stack), at
            table = stacks.outputs(found)["TableName"]
            dynamodb = conn.client("dynamodb")
            if step == 0:
                for item in items:
                    dynamodb.put_item(TableName=table, Item=item)
            for item in items:
                assert "Item" in dynamodb.get_item(TableName=table, Key=item), at
            after = resources(conn, stack)
            for logical_id, (kind, physical) in before.items():
                if logical_id not in after and kind in SNAPSHOTS:
                    assert SNAPSHOTS[kind](conn, physical), f"{at}: no final snapshot of {physical}"
    finally:
        cfn = conn.client("cloudformation")
        # The emulator may not have termination protection yet; the stack goes anyway.
        with contextlib.suppress(Exception):
            cfn.update_termination_protection(StackName=stack, EnableTerminationProtection=False)
        remove_stack(cfn, stack)
