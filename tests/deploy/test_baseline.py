"""The baseline through the deploy engine on the emulator, in an account of its own: the
workflow's checks stop a deploy that a second recorder would fail, before anything changed;
a deployed baseline is protected like a production environment."""

from __future__ import annotations

import pytest

from appstack import config
from appstack.deploy import baseline, stacks
from deploy.recording import Recording
from emulator.accounts import Account

SETTINGS = config.parse({}).baseline


def test_a_second_recorder_stops_the_deploy_before_anything_changed(
    emulator_endpoint: str,
) -> None:
    account = Account(emulator_endpoint)
    account.client("config").put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::1:role/c"}
    )
    person = Recording()
    with pytest.raises(stacks.DeployError, match="nothing was changed"):
        baseline.deploy(account.conn, SETTINGS, person, validate=False)
    assert [f.rule for f in person.found] == ["BP002"]
    assert stacks.current(account.conn, SETTINGS.stack_name) is None


def test_a_deployed_baseline_records_logs_and_is_protected(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    result = baseline.deploy(account.conn, SETTINGS, Recording(), validate=False)
    assert result.ok and result.status == "CREATE_COMPLETE"
    found = baseline.status(account.conn, SETTINGS)
    assert found.ok and found.trail and found.trail.endswith(":trail/appstack-trail")
    cfn = account.client("cloudformation")
    policy = stacks.current_policy(cfn, SETTINGS.stack_name) or ""
    assert (
        "LogicalResourceId/ConfigBucket" in policy and "LogicalResourceId/AuditLogBucket" in policy
    )
    with pytest.raises(stacks.DeployError, match="deletion_protection: false"):
        baseline.destroy(account.conn, SETTINGS)


def test_a_recorder_deleted_behind_the_stacks_back_shows_as_not_recording(
    emulator_endpoint: str,
) -> None:
    account = Account(emulator_endpoint)
    assert baseline.deploy(account.conn, SETTINGS, Recording(), validate=False).ok
    recorder = baseline.status(account.conn, SETTINGS).recorder
    assert recorder
    account.client("config").delete_configuration_recorder(ConfigurationRecorderName=recorder)
    found = baseline.status(account.conn, SETTINGS)
    assert not found.recording and not found.ok


def test_an_update_of_the_baseline_describes_its_stack_once_before_the_change_set(
    emulator_endpoint: str,
) -> None:
    """As an environment's deploy does: settle's DescribeStacks serves the baseline's
    preflight and the plan."""
    from contextlib import contextmanager

    from deploy.test_workflow import before_the_change_set, cloudformation_calls

    account = Account(emulator_endpoint)
    assert baseline.deploy(account.conn, SETTINGS, Recording(), validate=False).ok
    longer = config.parse({"baseline": {"log_retention_days": 731}}).baseline
    with contextmanager(cloudformation_calls)(account.conn) as made:
        assert baseline.deploy(account.conn, longer, Recording(), yes=True, validate=False).ok
    assert before_the_change_set(made).count("DescribeStacks") == 1
