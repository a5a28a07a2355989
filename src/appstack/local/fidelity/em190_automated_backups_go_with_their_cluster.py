"""EM190: deleting a DB cluster deletes its automated backups.

DeleteDBCluster removes the cluster's automated backups unless `DeleteAutomatedBackups` is
false (it defaults to true); only manual and final snapshots stay. moto 5.2.5 keeps the
automated snapshot it takes at creation (`rds:<cluster>-<yyyy-mm-dd-hh-mm>`), so a cluster
created again under the same identifier within the same minute (a replacement, or a phase
that removes the database and adds it back) fails with DBClusterSnapshotAlreadyExistsFault,
which RDS never answers there.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html"


@rule("EM190", "Deleting a DB cluster deletes its automated backups", SOURCE)
def install() -> None:
    from moto.rds.models import RDSBackend

    original = RDSBackend.delete_db_cluster

    def delete_db_cluster(
        self: Any, cluster_identifier: str, snapshot_name: str | None = None, **kwargs: Any
    ) -> Any:
        deleted = original(self, cluster_identifier, snapshot_name, **kwargs)
        for name, snapshot in list(self.cluster_snapshots.items()):
            if (
                getattr(snapshot, "snapshot_type", "") == "automated"
                and snapshot.cluster.db_cluster_identifier == cluster_identifier
            ):
                del self.cluster_snapshots[name]
        return deleted

    setattr(RDSBackend, "delete_db_cluster", delete_db_cluster)  # noqa: B010
