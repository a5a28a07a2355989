"""Running tasks keep connecting after RDS rotates the master password.

ECS injects secrets only when a task starts. An application that re-reads the secret needs
nothing more (tests/blueprint/test_database.py); for one that does not, every rotation restarts the
service's tasks: an EventBridge rule on the secret's `Secret Label Updated` event (AWSCURRENT
moved to the new version) starts a Systems Manager Automation runbook that forces a new
deployment of the service. No function, no runtime to keep alive.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from conftest import Template, of_type, props, synth

SECRET_ARN = "arn:aws:secretsmanager:us-west-2:012345678901:secret:rds!cluster-1a2b-a1b2c3"
THE_SECRET = {"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}
THE_SERVICE = {"Ref": "Service"}


@pytest.fixture(scope="module")
def dev2() -> Template:
    return synth(env="dev", phase=2)


def label_moved(label: str, secret_arn: str = SECRET_ARN) -> dict[str, Any]:
    """The Secret Label Updated event as Secrets Manager documents it
    (https://docs.aws.amazon.com/secretsmanager/latest/userguide/event-detail-secret-label-updated-secretsmanager.html)."""
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "Secret Label Updated",
        "source": "aws.secretsmanager",
        "account": "012345678901",
        "time": "2024-02-06T16:43:48Z",
        "region": "us-west-2",
        "resources": [secret_arn],
        "detail": {
            "name": secret_arn.split(":secret:")[1],
            "labelUpdated": label,
            "versionId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        },
    }


def matches(template: Template, event: dict[str, Any]) -> bool:
    """Whether EventBridge's matching (moto's implementation) sends `event` to the rule, with
    the cluster's secret deployed as SECRET_ARN."""
    text = json.dumps(props(template, "DatabaseRotationRule")["EventPattern"])
    text = text.replace(json.dumps(THE_SECRET), json.dumps(SECRET_ARN))
    return bool(EventPattern.load(text).matches_event(event))


def statements(template: Template, role: str) -> dict[str, dict[str, Any]]:
    [policy] = props(template, role)["Policies"]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def test_the_rule_fires_when_the_rotated_password_becomes_current(dev2: Template) -> None:
    assert matches(dev2, label_moved("AWSCURRENT"))


def test_the_rule_ignores_other_labels_and_other_secrets(dev2: Template) -> None:
    # AWSPENDING and AWSPREVIOUS send no event; a custom label, or another secret, must not
    # restart the service.
    assert not matches(dev2, label_moved("my-label"))
    other = SECRET_ARN.replace("1a2b", "9z9z")
    assert not matches(dev2, label_moved("AWSCURRENT", other))


def test_the_rule_watches_the_secret_the_tasks_are_given(dev2: Template) -> None:
    pattern = props(dev2, "DatabaseRotationRule")["EventPattern"]
    assert pattern["resources"] == [THE_SECRET]
    secrets = {
        s["Name"]: s["ValueFrom"]
        for s in props(dev2, "TaskDefinition")["ContainerDefinitions"][0]["Secrets"]
    }
    assert secrets["DATABASE_PASSWORD"] == {"Fn::Join": ["", [THE_SECRET, ":password::"]]}


def test_the_runbook_forces_a_new_deployment_of_this_service(dev2: Template) -> None:
    document = props(dev2, "DatabaseRestartRunbook")
    assert document["DocumentType"] == "Automation"
    content = document["Content"]
    assert content["schemaVersion"] == "0.3"
    [step] = content["mainSteps"]
    assert step["action"] == "aws:executeAwsApi"
    # ECS UpdateService, boto3's parameter names (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html)
    assert step["inputs"] == {
        "Service": "ecs",
        "Api": "UpdateService",
        "cluster": {"Ref": "Cluster"},
        "service": {"Fn::GetAtt": ["Service", "Name"]},
        "forceNewDeployment": True,
    }
    assert content["assumeRole"] == "{{ AutomationAssumeRole }}"


def test_the_rule_starts_the_runbook_with_the_role_that_may_restart(dev2: Template) -> None:
    [target] = props(dev2, "DatabaseRotationRule")["Targets"]
    arn = json.dumps(target["Arn"])
    assert ":automation-definition/${Runbook}" in arn
    assert '{"Ref": "DatabaseRestartRunbook"}' in arn and arn.endswith('":$DEFAULT"]]}')
    assert target["RoleArn"] == {"Fn::GetAtt": ["DatabaseRotationEventsRole", "Arn"]}
    text, variables = target["Input"]["Fn::Sub"]
    assert json.loads(text) == {"AutomationAssumeRole": ["${Role}"]}
    assert variables == {"Role": {"Fn::GetAtt": ["DatabaseRestartRole", "Arn"]}}


def test_the_restart_may_update_this_service_and_nothing_else(dev2: Template) -> None:
    trust = props(dev2, "DatabaseRestartRole")["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "ssm.amazonaws.com"}]
    assert list(statements(dev2, "DatabaseRestartRole").values()) == [
        {
            "Sid": "NewDeploymentOfThisService",
            "Effect": "Allow",
            "Action": "ecs:UpdateService",
            "Resource": THE_SERVICE,
        }
    ]


def test_eventbridge_may_start_only_this_runbook_and_pass_only_its_role(dev2: Template) -> None:
    trust = props(dev2, "DatabaseRotationEventsRole")["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "events.amazonaws.com"}]
    allowed = statements(dev2, "DatabaseRotationEventsRole")
    assert set(allowed) == {"StartTheRunbook", "HandItItsRole"}
    start = allowed["StartTheRunbook"]
    assert start["Action"] == "ssm:StartAutomationExecution"
    assert "automation-definition/${Runbook}" in json.dumps(start["Resource"])
    assert '{"Ref": "DatabaseRestartRunbook"}' in json.dumps(start["Resource"])
    passing = allowed["HandItItsRole"]
    assert passing["Action"] == "iam:PassRole"
    assert passing["Resource"] == {"Fn::GetAtt": ["DatabaseRestartRole", "Arn"]}
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}


def test_the_restart_keeps_the_service_up(dev2: Template) -> None:
    # A forced deployment starts new tasks before it stops old ones.
    deployment = props(dev2, "Service")["DeploymentConfiguration"]
    assert deployment["MinimumHealthyPercent"] == 100
    assert deployment["MaximumPercent"] == 200


def test_no_function_runs_the_restart(dev2: Template) -> None:
    assert not of_type(dev2, "AWS::Lambda::Function")
    assert "Transform" not in dev2


def test_without_a_database_nothing_restarts() -> None:
    template = synth(env="dev", phase=1)
    assert "DatabaseRotationRule" not in template["Resources"]
    assert "DatabaseRestartRunbook" not in template["Resources"]
