"""Going down phases: what a rollback says it will do with each removed resource, what the
account shows afterwards, and a production database that refuses deletion.

DeletionPolicy applies to resources an update removes; Snapshot deletes after a final
snapshot, and is the default of AWS::RDS::DBCluster
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
A deletion-protected resource that an update removes is dropped from the stack and left
running while the update still completes
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appstack.deploy.session import Connection
from conftest import remove_stack
from deploy.deploying import on_emulator

REGION = "ca-central-1"  # VPCs of its own
VPN = "environments:\n  dev:\n    vpn:\n      customer_gateway_ip: 203.0.113.10\n"


def config(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"application_name: {name}\nregion: {REGION}\n{VPN}")
    return str(path)


def cli(argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI in this process; exit code, stdout, stderr (usable outside a test)."""
    import contextlib
    import io

    from appstack.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def rollback_4_to_1(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, str]]:
    """Dev deployed at phase 4, then rolled back to 1: the rollback's exit code and output."""
    config_file = config(tmp_path_factory.mktemp("down"), "down")
    flags = ["--yes", "--skip-validate", "-c", config_file]
    code, _, err = cli(["deploy", "down-dev", "dev", "--phase", "4", *flags])
    assert code == 0, err
    code, out, err = cli(["rollback", "down-dev", "dev", "--to-phase", "1", *flags])
    yield code, out + err
    remove_stack(on_emulator(emulator_endpoint, REGION).client("cloudformation"), "down-dev")


def lines(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


def test_rollback_4_to_1_says_the_database_and_cache_go_after_a_final_snapshot(
    rollback_4_to_1: tuple[int, str],
) -> None:
    _, said = rollback_4_to_1
    snapshotted = " ".join(lines(said, "deleted after a final snapshot"))
    assert "DatabaseCluster (AWS::RDS::DBCluster, " in snapshotted
    assert "Cache (AWS::ElastiCache::ReplicationGroup, " in snapshotted


def test_rollback_4_to_1_does_not_call_snapshotted_resources_kept(
    rollback_4_to_1: tuple[int, str],
) -> None:
    _, said = rollback_4_to_1
    kept = " ".join(lines(said, "kept in the account"))
    assert "CacheAuthSecret" in kept and "BackupVault" in kept
    assert "DatabaseCluster" not in kept and "Cache " not in kept


def test_rollback_4_to_1_says_how_many_resources_are_deleted_and_which_hold_data(
    rollback_4_to_1: tuple[int, str],
) -> None:
    """Only the log groups with a fixed name go with their events (kept, they would hold
    their name and the capability could not come back); every other resource that holds
    data is kept or snapshotted."""
    _, said = rollback_4_to_1
    [deleted] = lines(said, "deleted: ")
    held = deleted.split("with their data: ", 1)[1]
    assert {n.split(" (")[0].strip(", ") for n in held.split("), ") if n} == {
        "DatabaseLogGroup",
        "WebAclLogGroup",
    }


def test_rollback_4_to_1_names_the_final_snapshots_it_finds_in_the_account(
    rollback_4_to_1: tuple[int, str],
) -> None:
    code, said = rollback_4_to_1
    assert code == 0, said
    assert "no final snapshot found" not in said
    checked = said[said.index("Checked in the account") :]
    assert "DatabaseCluster" in checked and "Cache" in checked
    assert checked.count("deleted after a final snapshot, ") == 2


# ------------------------------------------------------------------ production, phase 2 -> 1


@pytest.fixture(scope="module")
def prod_rollback(
    emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, str, list[dict[str, Any]], Connection]]:
    """Prod deployed at phase 2, then rolled back to 1, recording the change sets it ran."""
    conn = on_emulator(emulator_endpoint, REGION)
    config_file = config(tmp_path_factory.mktemp("prod"), "down")
    flags = ["--yes", "--skip-validate", "-c", config_file]
    code, _, err = cli(["deploy", "down-prod", "prod", "--phase", "2", *flags])
    assert code == 0, err
    executed: list[dict[str, Any]] = []
    made: dict[str, str] = {}
    original = Connection.client

    def client(self: Connection, service: str) -> Any:
        made_client = original(self, service)

        def record(model: Any, params: dict[str, Any], **_: Any) -> None:
            if model.name == "CreateChangeSet":
                made[params["ChangeSetName"]] = params["TemplateBody"]
            elif model.name == "ExecuteChangeSet":
                executed.append(json.loads(made[params["ChangeSetName"]]))

        made_client.meta.events.register(
            "before-parameter-build.cloudformation.*", record, unique_id="record-change-sets"
        )
        return made_client

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Connection, "client", client)
        code, out, err = cli(["rollback", "down-prod", "prod", "--to-phase", "1", *flags])
    yield code, out + err, executed, conn
    remove_stack(conn.client("cloudformation"), "down-prod")


def test_a_production_rollback_says_the_database_refuses_deletion_before_it_runs(
    prod_rollback: tuple[int, str, list[dict[str, Any]], Connection],
) -> None:
    _, said, _, _ = prod_rollback
    assert "DatabaseCluster has deletion protection" in said
    assert "first runs an update that turns its deletion protection off" in said


def test_a_production_rollback_lifts_deletion_protection_before_removing_the_database(
    prod_rollback: tuple[int, str, list[dict[str, Any]], Connection],
) -> None:
    _, _, executed, _ = prod_rollback
    lift, removal = executed[0], executed[1]
    cluster = lift["Resources"]["DatabaseCluster"]["Properties"]
    assert cluster["DeletionProtection"] is False
    assert "DatabaseCluster" not in removal["Resources"]


def test_a_production_rollback_below_phase_2_deletes_the_database_after_its_final_snapshot(
    prod_rollback: tuple[int, str, list[dict[str, Any]], Connection],
) -> None:
    code, said, _, conn = prod_rollback
    assert code == 0, said
    rds = conn.client("rds")
    assert rds.describe_db_clusters()["DBClusters"] == []
    assert rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]


def test_rollback_prints_secret_arns_as_they_are(rollback_4_to_1: tuple[int, str]) -> None:
    _, said = rollback_4_to_1
    kept = " ".join(lines(said, "kept in the account"))
    assert ":secret:" in kept and "\N{CIRCLED IDEOGRAPH SECRET}" not in said
