"""Moving the account's recorder and trail out of a phase-4 environment stack into the
account baseline, on the emulator: retain, release, import, update. Recording never stops
(checked at every event of every step), the trail keeps logging, the buckets keep their
objects, and the environment then deploys today's template."""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from appstack.deploy import adopt, stacks, workflow
from appstack.errors import UsageError
from appstack.local import transforms
from deploy.legacy import ACCOUNT_WIDE, legacy_template
from deploy.recording import Recording
from emulator.accounts import Account

CONFIG = {"application_name": "mig", "environments": {"dev": {"features": {"vpn": False}}}}
STACK = "mig-dev"


def deploy_legacy(account: Account) -> config.Target:
    target = config.resolve(config.parse(CONFIG), "dev", 4)
    template, _ = transforms.for_emulator(legacy_template(target))
    change_set, _ = stacks.plan(account.conn, STACK, None, template)
    assert stacks.apply(account.conn, change_set, template, production=False).ok
    return target


def physical(account: Account, stack: str) -> dict[str, str]:
    return stacks.physical_ids(account.client("cloudformation"), stack)


def recording(account: Account, recorder: str) -> bool:
    found = account.client("config").describe_configuration_recorder_status(
        ConfigurationRecorderNames=[recorder]
    )["ConfigurationRecordersStatus"]
    return bool(found and found[0]["recording"])


@pytest.fixture(scope="module")
def moved(emulator_endpoint: str) -> dict[str, Any]:
    account = Account(emulator_endpoint)
    target = deploy_legacy(account)
    before = physical(account, STACK)
    s3 = account.client("s3")
    for bucket in ("ConfigBucket", "AuditLogBucket"):
        s3.put_object(Bucket=before[bucket], Key="evidence", Body=b"recorded before the move")
    gaps: list[str] = []

    def every_event(event: Any) -> None:
        if not recording(account, before["ConfigRecorder"]):
            gaps.append(f"recorder stopped at {event}")
        trail = account.client("cloudtrail").get_trail_status(Name=before["AuditTrail"])
        if not trail["IsLogging"]:
            gaps.append(f"trail stopped at {event}")

    settings = config.parse({"baseline": {"name": "mig-dev"}}).baseline
    done = adopt.adopt(account.conn, STACK, settings, Recording(), every_event)
    return {
        "account": account,
        "target": target,
        "before": before,
        "gaps": gaps,
        "done": done,
        "settings": settings,
    }


def test_recording_and_the_trail_never_stop(moved: dict[str, Any]) -> None:
    assert moved["gaps"] == []
    account, before = moved["account"], moved["before"]
    assert recording(account, before["ConfigRecorder"])
    status = account.client("cloudtrail").get_trail_status(Name=before["AuditTrail"])
    assert status["IsLogging"]


def test_the_baseline_holds_the_same_resources_and_the_environment_none(
    moved: dict[str, Any],
) -> None:
    account, before = moved["account"], moved["before"]
    held = physical(account, "mig-dev-baseline")
    for logical_id in ACCOUNT_WIDE:
        if logical_id != "ConfigBucketPolicy" and logical_id != "AuditLogBucketPolicy":
            assert held[logical_id] == before[logical_id], logical_id
    assert not set(ACCOUNT_WIDE) & set(physical(account, STACK))
    [baseline_stack] = account.client("cloudformation").describe_stacks(
        StackName="mig-dev-baseline"
    )["Stacks"]
    assert baseline_stack["StackStatus"] == "UPDATE_COMPLETE"
    assert "EncryptionKey" in held  # the baseline's own key now


def test_the_buckets_keep_what_they_held(moved: dict[str, Any]) -> None:
    account, before = moved["account"], moved["before"]
    for bucket in ("ConfigBucket", "AuditLogBucket"):
        body = account.client("s3").get_object(Bucket=before[bucket], Key="evidence")["Body"]
        assert body.read() == b"recorded before the move"


def test_the_environment_then_deploys_todays_template(moved: dict[str, Any]) -> None:
    from conftest import synth

    account = moved["account"]
    request = workflow.Request(STACK, moved["target"], synth(CONFIG, "dev", 4), validate=False)
    person = Recording()
    result = workflow.run(account.conn, request, person)
    assert result.ok, [f.message for f in person.found]
    assert not [f for f in person.found if f.rule in ("PF003", "PF007")]
    assert recording(account, moved["before"]["ConfigRecorder"])


def test_a_stack_that_holds_nothing_of_the_accounts_is_refused(moved: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="nothing to move"):
        adopt.adopt(moved["account"].conn, STACK, moved["settings"], Recording())


def test_a_baseline_whose_trail_would_be_renamed_is_refused(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    deploy_legacy(account)
    with pytest.raises(UsageError, match=r"set baseline\.name: mig-dev"):
        adopt.adopt(account.conn, STACK, config.parse({}).baseline, Recording())
    assert "AuditTrail" in physical(account, STACK)  # nothing was changed


def test_a_failed_import_names_what_runs_on_in_no_stack_and_frees_the_baseline_name(
    emulator_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the release nothing can be put back by a rollback: the resources run on,
    retained. The error lists each one's physical id, and the baseline's empty stack under
    review is deleted, so that its name does not stop the next try."""
    account = Account(emulator_endpoint)
    deploy_legacy(account)
    before = physical(account, STACK)
    settings = config.parse({"baseline": {"name": "mig-dev"}}).baseline
    cfn = account.client("cloudformation")

    def refused(conn: Any, stack: str, template: Any, resources: Any) -> None:
        cfn.create_change_set(  # what a refused IMPORT change set leaves: a stack under review
            StackName=stack, ChangeSetName="appstack-import-refused", ChangeSetType="CREATE",
            TemplateBody='{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}',
        )  # fmt: skip
        raise stacks.DeployError(f"CloudFormation refused the import into {stack}: a reason")

    monkeypatch.setattr(adopt, "import_into", refused)
    with pytest.raises(stacks.DeployError) as failed:
        adopt.adopt(account.conn, STACK, settings, Recording())
    message = str(failed.value)
    assert "refused the import" in message and "in no stack" in message
    for logical_id in ACCOUNT_WIDE:
        assert f"{logical_id}: {before[logical_id]}" in message
    assert stacks.current(account.conn, settings.stack_name) is None
    assert recording(account, before["ConfigRecorder"])
