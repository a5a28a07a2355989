"""EM190: deleting a DB cluster deletes its automated backups; a final snapshot stays.

AWS: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
(DeleteAutomatedBackups defaults to true).
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client

REGION = "ap-southeast-1"


@pytest.fixture(scope="module")
def rds(emulator_endpoint: str) -> Any:
    return client("rds", emulator_endpoint, REGION)


def _create(rds: Any, name: str) -> None:
    rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="a-long-password-1",
    )


def _snapshots(rds: Any, name: str) -> dict[str, str]:
    found = rds.describe_db_cluster_snapshots(DBClusterIdentifier=name)["DBClusterSnapshots"]
    return {s["DBClusterSnapshotIdentifier"]: s["SnapshotType"] for s in found}


def test_a_deleted_cluster_leaves_its_final_snapshot_and_no_automated_backup(rds: Any) -> None:
    _create(rds, "em190-final")
    assert "automated" in _snapshots(rds, "em190-final").values()
    rds.delete_db_cluster(
        DBClusterIdentifier="em190-final", FinalDBSnapshotIdentifier="em190-final-last"
    )
    assert _snapshots(rds, "em190-final") == {"em190-final-last": "manual"}


def test_a_cluster_created_again_under_its_name_at_once_succeeds(rds: Any) -> None:
    _create(rds, "em190-again")
    rds.delete_db_cluster(DBClusterIdentifier="em190-again", SkipFinalSnapshot=True)
    _create(rds, "em190-again")  # moto: DBClusterSnapshotAlreadyExistsFault
    clusters = rds.describe_db_clusters(DBClusterIdentifier="em190-again")["DBClusters"]
    assert [c["Status"] for c in clusters] == ["available"]
