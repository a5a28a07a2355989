"""`appstack preflight` on the emulator: what in the account would make a deploy fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run, write_config


def test_preflight_on_a_fresh_stack_name_finds_nothing_in_the_way(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Region of its own: the deploy tests fill the command tests' Region with VPCs, and
    # preflight counts them against the quota.
    config_file = write_config(tmp_path, region="ap-south-1")
    code, out, err = run(["preflight", stack, "dev", "-c", config_file], capsys)
    assert code == 0, err
    assert "nothing in the account stands in the way" in out


def test_region_moves_the_template_and_the_checks_with_the_stack(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config says us-east-1, --region eu-west-1: the certificate of the config's Region
    no longer fits, and the load balancer's log bucket trusts eu-west-1's ELB account."""
    from appstack import blueprint
    from appstack.blueprint.shared import elb_log_principal
    from appstack.cli.options import target

    path = tmp_path / "appstack.yaml"
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
    path.write_text(f"region: us-east-1\nenvironments:\n  dev:\n    certificate_arn: {cert}\n")
    code, out, _ = run(
        ["preflight", stack, "dev", "--region", "eu-west-1", "-c", str(path)], capsys
    )
    assert code == 1
    assert "PF004" in out and "the stack in eu-west-1" in out.replace("\n", " ")
    moved = target("dev", 1, path, region="eu-west-1")
    policy = blueprint.to_dict(blueprint.build(moved))["Resources"]["AccessLogBucketPolicy"]
    principals = [s["Principal"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert elb_log_principal("eu-west-1").JSONrepr() in principals
    assert elb_log_principal("us-east-1").JSONrepr() not in principals


def test_preflight_at_a_phase_asks_what_that_phase_needs(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Phase 2's Config rules need the account's recorder (the account baseline's): asked at
    phase 2, not at phase 1; a warning that names the baseline, gone once a recorder records."""
    import boto3

    region = "ap-southeast-2"  # a Region of its own: a recorder counts for the whole Region
    config_file = write_config(tmp_path, region=region)
    code, out, err = run(["preflight", stack, "dev", "-c", config_file], capsys)
    assert code == 0 and "PF003" not in out, out + err
    code, out, err = run(["preflight", stack, "dev", "--phase", "2", "-c", config_file], capsys)
    assert code == 0 and "PF003" in out, out + err
    assert "appstack baseline" in " ".join(out.replace("│", " ").split()), out
    boto3.client(
        "config",
        region_name=region,
        endpoint_url=emulator_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    code, out, err = run(["preflight", stack, "dev", "--phase", "2", "-c", config_file], capsys)
    assert code == 0 and "PF003" not in out, out + err
