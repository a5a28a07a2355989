"""`appstack baseline deploy|plan|status|destroy` on the emulator: the account baseline in an
account and Region of its own, through the deploy engine."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from cli_runner import run
from test_cli_json import matches_schema

REGION = "ap-southeast-7"  # a Region of its own: AWS allows one Config recorder per Region


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory, emulator_endpoint: str) -> str:
    path = tmp_path_factory.mktemp("baseline") / "appstack.yaml"
    path.write_text(f"region: {REGION}\nbaseline:\n  deletion_protection: false\n")
    return str(path)


def test_status_before_deploying_says_how_to_deploy(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["baseline", "status", "-c", config_file], capsys)
    assert code == 0, err
    assert "NOT_DEPLOYED" in out and "appstack baseline deploy" in out + err


def test_deploy_records_and_logs_then_plans_no_changes(
    config_file: str, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    code, out, err = run(["baseline", "plan", "-c", config_file, "--output", "json"], capsys)
    assert code == 0, err
    planned = json.loads(out)
    matches_schema(planned, "baseline-plan")
    assert planned["creating"] is True
    added = {c["logical_id"] for c in planned["changes"]}
    assert {"ConfigRecorder", "ConfigDeliveryChannel", "AuditTrail", "EncryptionKey"} <= added

    deploy = ["baseline", "deploy", "--yes", "--skip-validate", "-c", config_file]
    code, out, err = run([*deploy, "--output", "json"], capsys)
    assert code == 0, out + err
    matches_schema(json.loads(out), "baseline-deploy")
    config = boto3.client("config", region_name=REGION, endpoint_url=emulator_endpoint)
    [recorder] = config.describe_configuration_recorders()["ConfigurationRecorders"]
    trails = boto3.client("cloudtrail", region_name=REGION, endpoint_url=emulator_endpoint)
    # Multi-Region trails of the account show in every Region: look for this one.
    assert "appstack-trail" in [t["Name"] for t in trails.describe_trails()["trailList"]]

    code, out, err = run(["baseline", "status", "-c", config_file, "--output", "json"], capsys)
    assert code == 0, err
    found = json.loads(out)
    matches_schema(found, "baseline-status")
    assert found["status"] == "CREATE_COMPLETE"
    assert found["recorder"] == recorder["name"] and found["recording"] is True
    assert found["logging"] is True

    code, out, err = run(deploy, capsys)
    assert code == 0 and "no changes" in out


def test_destroy_is_refused_while_config_rules_rely_on_the_recorder(
    config_file: str, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    config = boto3.client("config", region_name=REGION, endpoint_url=emulator_endpoint)
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "an-environments-rule",
            "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_SSL_REQUESTS_ONLY"},
        }
    )
    try:
        code, _, err = run(["baseline", "destroy", "--yes", "-c", config_file], capsys)
        assert code == 1 and "an-environments-rule" in err and "--to-phase 1" in err
    finally:
        config.delete_config_rule(ConfigRuleName="an-environments-rule")
    code, out, err = run(
        ["baseline", "destroy", "--yes", "-c", config_file, "--output", "json"], capsys
    )
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "baseline-destroy")
    assert answer["status"] == "DELETE_COMPLETE"
    # The buckets keep what was recorded, and the key keeps it readable.
    assert any("ConfigBucket" in r for r in answer["retained"])
    assert any("AuditLogBucket" in r for r in answer["retained"])
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == []


def test_a_protected_baseline_is_not_destroyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    path = tmp_path / "appstack.yaml"
    path.write_text("region: mx-central-1\nbaseline:\n  name: guarded\n")
    code, out, err = run(
        ["baseline", "deploy", "--yes", "--skip-validate", "-c", str(path)], capsys
    )
    assert code == 0, out + err
    code, _, err = run(["baseline", "destroy", "--yes", "-c", str(path)], capsys)
    assert code == 1 and "baseline.deletion_protection: false" in err


def test_a_stack_set_to_three_accounts_in_two_regions_reports_each_instance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    from emulator.accounts import Account
    from emulator.stacksets import role

    admin = boto3.client("iam", endpoint_url=emulator_endpoint)
    admin.create_role(
        RoleName="AWSCloudFormationStackSetAdministrationRole", AssumeRolePolicyDocument="{}"
    )
    targets = [Account(emulator_endpoint) for _ in range(3)]
    for target in targets:
        role(target, "AWSCloudFormationStackSetExecutionRole")
    path = tmp_path / "appstack.yaml"
    path.write_text("region: us-east-1\nbaseline:\n  name: fleet\n")
    accounts = ",".join(t.id for t in targets)
    deploy = ["baseline", "deploy", "--accounts", accounts, "--regions", "us-east-1,eu-west-1"]
    code, out, err = run([*deploy, "--yes", "-c", str(path), "--output", "json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "baseline-deploy")
    assert answer["status"] == "SUCCEEDED" and len(answer["instances"]) == 6
    assert {i["detailed_status"] for i in answer["instances"]} == {"SUCCEEDED"}
    in_sync_then_destroyed(path, capsys)


def test_a_stack_set_to_organizational_units_reports_each_instance_with_its_ou(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    from emulator.organizations import organization

    org = organization(emulator_endpoint, trusted_access=False)
    path = tmp_path / "appstack.yaml"
    path.write_text("region: us-east-1\nbaseline:\n  name: org\n")
    units = f"{org.units['workloads']},{org.units['security']}"
    deploy = ["baseline", "deploy", "--ou", units, "--regions", "us-east-1,eu-west-1", "--yes"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("appstack.cli.commands.baseline.connect", lambda *_: org.management.conn)
        code, _, err = run([*deploy, "-c", str(path)], capsys)
        assert code == 1 and "aws cloudformation activate-organizations-access" in err
        org.management.client("cloudformation").activate_organizations_access()
        code, out, err = run([*deploy, "-c", str(path), "--output", "json"], capsys)
        assert code == 0, err
        answer = json.loads(out)
        matches_schema(answer, "baseline-deploy")
        assert answer["status"] == "SUCCEEDED" and len(answer["instances"]) == 6
        assert {(i["account"], i["organizational_unit"]) for i in answer["instances"]} == {
            (org.members["workloads"], org.units["workloads"]),
            (org.members["prod"], org.units["workloads"]),
            (org.members["security"], org.units["security"]),
        }
        code, out, err = run(["baseline", "status", "-c", str(path)], capsys)
        assert code == 0, err
        assert org.units["security"] in out and org.members["prod"] in out
        in_sync_then_destroyed(path, capsys)


def test_adopt_moves_what_an_environment_holds_and_answers_its_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], emulator_endpoint: str
) -> None:
    from appstack import config as appstack_config
    from appstack.deploy import stacks
    from appstack.deploy.session import Connection
    from appstack.local import transforms
    from deploy.legacy import legacy_template

    region = "ap-south-2"  # a Region of its own: its one recorder
    data = {"application_name": "old", "region": region}
    target = appstack_config.resolve(
        appstack_config.parse({**data, "environments": {"dev": {"features": {"vpn": False}}}}),
        "dev",
        2,
    )
    conn = Connection(region, None, emulator_endpoint)
    template, _ = transforms.for_emulator(legacy_template(target))
    change_set, _ = stacks.plan(conn, "old-dev", None, template)
    assert stacks.apply(conn, change_set, template, production=False).ok
    path = tmp_path / "appstack.yaml"
    path.write_text(f"application_name: old\nregion: {region}\n")
    adopt = ["baseline", "adopt", "old-dev", "--yes", "-c", str(path), "--output", "json"]
    code, out, err = run(adopt, capsys)
    assert code == 0, err
    answer = json.loads(out)
    matches_schema(answer, "baseline-adopt")
    assert "ConfigRecorder" in answer["moved"] and "AuditTrail" not in answer["moved"]
    assert answer["baseline"] == "appstack-baseline" and len(answer["steps"]) == 4


def in_sync_then_destroyed(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The deployed StackSet's instances have not drifted; destroy removes it."""
    drift = ["baseline", "status", "--drift", "-c", str(path), "--output", "json"]
    code, out, err = run(drift, capsys)
    assert code == 0, err
    status = json.loads(out)
    matches_schema(status, "baseline-status")
    assert {i["drift"] for i in status["instances"]} == {"IN_SYNC"}
    code, out, err = run(["baseline", "destroy", "--yes", "-c", str(path)], capsys)
    assert code == 0, err
    code, out, _ = run(["baseline", "status", "-c", str(path)], capsys)
    assert "NOT_DEPLOYED" in out
