"""The database's PostgreSQL logs land in our log group, with retention and the KMS key.

RDS creates `/aws/rds/cluster/<cluster>/postgresql` itself (no retention, no key) unless it
exists when the first instance starts exporting (EM405); appstack creates it before the
cluster (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html).
"""

from __future__ import annotations

from typing import Any

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from conftest import synth

REGION = "ap-south-1"


def deploy(conn: Connection, name: str, data: dict[str, Any]) -> stacks.Outcome:
    template = synth(data, env="dev", phase=2)
    change_set, _ = stacks.plan(conn, name, stacks.current(conn, name), template)
    return stacks.apply(conn, change_set, template, production=False)


def cluster_log_groups(conn: Connection, identifier: str) -> list[dict[str, Any]]:
    prefix = f"/aws/rds/cluster/{identifier}/"
    groups = conn.client("logs").describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
    return list(groups)


def identifier_of(conn: Connection, outcome: stacks.Outcome) -> str:
    clusters = conn.client("rds").describe_db_clusters()["DBClusters"]
    [cluster] = [c for c in clusters if c["Endpoint"] == outcome.outputs["DatabaseEndpoint"]]
    return str(cluster["DBClusterIdentifier"])


@pytest.fixture(scope="module")
def conn(emulator_endpoint: str) -> Connection:
    return Connection(REGION, endpoint=emulator_endpoint)


def test_the_postgresql_logs_go_to_our_group_with_retention_and_key(conn: Connection) -> None:
    outcome = deploy(conn, "owned-db-logs", {})
    assert outcome.ok, outcome.failure
    [group] = cluster_log_groups(conn, identifier_of(conn, outcome))
    assert group["logGroupName"].endswith("/postgresql")
    assert group["retentionInDays"] == 14  # its KMS key is asserted on the template


def test_without_our_group_rds_makes_one_that_keeps_logs_forever(emulator_endpoint: str) -> None:
    # Its own Region: Config allows one recorder per Region.
    conn = Connection("ap-northeast-2", endpoint=emulator_endpoint)
    kept = {"environments": {"dev": {"database": {"own_log_group": False}}}}
    outcome = deploy(conn, "rds-db-logs", kept)
    assert outcome.ok, outcome.failure
    [group] = cluster_log_groups(conn, identifier_of(conn, outcome))
    assert "retentionInDays" not in group and "kmsKeyId" not in group
