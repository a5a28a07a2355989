"""ECS Exec (`exec: true`, on for dev only): the service starts tasks with execute command
enabled, the task role may open the Session Manager channels and write the session log,
and every session is logged to an encrypted log group
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-cluster-executecommandconfiguration.html)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import Template, props

CHANNELS = {
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
}


def task_role_grants(template: Template) -> dict[str, list[Any]]:
    """Each action the task role is allowed, with the resources it is allowed on."""
    grants: dict[str, list[Any]] = {}
    for policy in props(template, "TaskRole").get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            for action in statement["Action"]:
                grants.setdefault(action, []).extend(statement["Resource"])
    return grants


def test_dev_tasks_can_be_reached_by_ecs_exec(dev: Template) -> None:
    assert props(dev, "Service")["EnableExecuteCommand"] is True
    grants = task_role_grants(dev)
    assert set(grants) >= CHANNELS
    session_log = {"Fn::GetAtt": ["ExecLogGroup", "Arn"]}
    for action in ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"):
        assert grants[action] == [session_log]
    # Every resource only where the action takes no resource-level permission.
    everywhere = {action for action, resources in grants.items() if "*" in resources}
    assert everywhere == CHANNELS | {"logs:DescribeLogGroups"}


def test_every_session_is_logged_to_a_log_group_encrypted_with_the_environments_key(
    dev: Template,
) -> None:
    configuration = props(dev, "Cluster")["Configuration"]["ExecuteCommandConfiguration"]
    assert configuration["Logging"] == "OVERRIDE"
    assert configuration["LogConfiguration"] == {
        "CloudWatchLogGroupName": {"Ref": "ExecLogGroup"},
        "CloudWatchEncryptionEnabled": True,
    }
    assert "KmsKeyId" in props(dev, "ExecLogGroup")


def test_staging_and_prod_have_no_exec_unless_asked(
    prod: Template, build_template: Callable[..., Template]
) -> None:
    for template in (prod, build_template("staging")):
        assert "EnableExecuteCommand" not in props(template, "Service")
        assert "ExecLogGroup" not in template["Resources"]
        assert not CHANNELS & set(task_role_grants(template))
    asked = build_template("prod", data={"environments": {"prod": {"exec": True}}})
    assert props(asked, "Service")["EnableExecuteCommand"] is True


def test_exec_can_be_switched_off_for_dev(build_template: Callable[..., Template]) -> None:
    off = build_template("dev", data={"environments": {"dev": {"exec": False}}})
    assert "EnableExecuteCommand" not in props(off, "Service")
    assert "Configuration" not in props(off, "Cluster")
