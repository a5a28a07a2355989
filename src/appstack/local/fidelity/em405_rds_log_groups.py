"""RDS creates the log group of a cluster's exported logs, unless it exists already.

With `EnableCloudwatchLogsExports`, Aurora publishes each log type to the log group
`/aws/rds/cluster/<cluster identifier>/<log type>`, and creates it if it is not there, with
no retention and no KMS key. moto creates nothing, so a template that declares that log
group after the cluster's instances (too late on AWS: AlreadyExists) passed on the emulator.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

LOG_GROUP = "/aws/rds/cluster/{cluster}/{log_type}"


@rule(
    "EM405",
    "An exporting Aurora instance creates its cluster's log group if it does not exist",
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html",
)
def exporting_instances_create_the_log_group() -> None:
    """Aurora publishes a cluster's exported logs to /aws/rds/cluster/<cluster>/<log type>
    (Aurora User Guide, publishing database logs to CloudWatch Logs) and creates that group
    when it is missing; an existing group is used as it is."""
    from moto.logs.models import logs_backends
    from moto.rds.models import RDSBackend

    original = RDSBackend.create_db_instance

    def create_db_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
        database = original(self, db_kwargs)
        cluster = self.clusters.get(getattr(database, "db_cluster_identifier", None) or "")
        if cluster is not None:
            logs = logs_backends[self.account_id][self.region_name]
            for log_type in getattr(cluster, "enabled_cloudwatch_logs_exports", None) or []:
                name = LOG_GROUP.format(cluster=cluster.db_cluster_identifier, log_type=log_type)
                if name not in logs.groups:
                    logs.create_log_group(name, {})
        return database

    setattr(RDSBackend, "create_db_instance", create_db_instance)  # noqa: B010
