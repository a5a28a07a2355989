"""The baseline's preflight on the emulator, each case in an account of its own: a second
Config recorder would fail the deploy (AWS allows one per account and Region), a second
multi-Region trail would bill management events twice."""

from __future__ import annotations

import json

from appstack import config
from appstack.checks import baseline_preflight
from appstack.config import BaselineTarget
from appstack.deploy import stacks
from emulator.accounts import Account

SETTINGS = config.parse({}).baseline
STACK = SETTINGS.stack_name

RECORDER_ONLY = {
    "Resources": {
        "Recorder": {
            "Type": "AWS::Config::ConfigurationRecorder",
            "Properties": {
                "RoleARN": "arn:aws:iam::123456789012:role/config",
                "RecordingGroup": {"AllSupported": True},
            },
        }
    }
}


def ask(account: Account) -> dict[str, str]:
    stack = stacks.describe(account.client("cloudformation"), STACK)
    target = BaselineTarget(SETTINGS, "us-east-1")
    found = baseline_preflight.ask_about(target, STACK, account.conn, stack)
    return {f.rule: f"{f.severity}: {f.message} / {f.fix}" for f in found}


def test_an_empty_account_has_nothing_in_the_way(emulator_endpoint: str) -> None:
    assert ask(Account(emulator_endpoint)) == {}


def test_a_recorder_made_outside_cloudformation_stops_the_deploy(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    account.client("config").put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::1:role/c"}
    )
    found = ask(account)
    assert found["BP002"].startswith("error:") and "(default, made outside" in found["BP002"]


def test_a_recorder_another_stack_holds_is_named_with_its_stack(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    account.client("cloudformation").create_stack(
        StackName="someapp-prod", TemplateBody=json.dumps(RECORDER_ONLY)
    )
    found = ask(account)
    assert "held by stack someapp-prod" in found["BP002"]


def test_another_multi_region_trail_is_a_warning(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    account.client("s3").create_bucket(Bucket=f"trail-{account.id}")
    account.client("cloudtrail").create_trail(
        Name="org-trail", S3BucketName=f"trail-{account.id}", IsMultiRegionTrail=True
    )
    found = ask(account)
    assert found["BP003"].startswith("warning:") and "org-trail" in found["BP003"]
