"""`appstack secret set|list` on the emulator: a secret named in `secrets:` is injected into
the container (the deployed task definition names it, by its full ARN), set from stdin or a
hidden prompt, never from argv, and setting it rolls the service; no value is ever printed.

ECS needs the secret's full ARN in valueFrom
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html) and reads it when a
task starts, so a new value reaches tasks through a new deployment
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html,
forceNewDeployment).
"""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import click
import pytest

from appstack.cli import command
from cli_runner import run
from test_cli_json import matches_schema

REGION = "ca-west-1"
STACK = "vault-dev"
VALUE = "s3cr3t-value-that-must-never-be-printed"


@pytest.fixture(scope="module")
def config(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("secret") / "appstack.yaml"
    path.write_text(f"application_name: vault\nregion: {REGION}\nsecrets: [API_TOKEN]\n")
    return str(path)


def aws(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


@pytest.fixture(scope="module")
def deployed(config: str) -> dict[str, str]:
    """The stack deployed at phase 1 with one application secret; its outputs."""
    from appstack.cli import main

    try:
        main(["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", config])
    except SystemExit as exc:
        assert not exc.code
    found = aws("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in found["Outputs"]}


def secret_arn() -> str:
    resources = aws("cloudformation").list_stack_resources(StackName=STACK)
    return next(
        r["PhysicalResourceId"]
        for r in resources["StackResourceSummaries"]
        if r["LogicalResourceId"] == "NamedSecretAPIxTOKEN"
    )


def deployment_id(outputs: dict[str, str]) -> str:
    service = aws("ecs").describe_services(
        cluster=outputs["ClusterName"], services=[outputs["ServiceName"]]
    )["services"][0]
    return str(service["deployments"][0]["id"])


def set_from_stdin(
    config: str, text: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    return run(["secret", "set", "dev", "API_TOKEN", "-c", config, "--output", "json"], capsys)


def test_the_deployed_task_definition_names_the_secret_by_its_full_arn(
    deployed: dict[str, str],
) -> None:
    ecs = aws("ecs")
    service = ecs.describe_services(
        cluster=deployed["ClusterName"], services=[deployed["ServiceName"]]
    )["services"][0]
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    [container] = [c for c in task["taskDefinition"]["containerDefinitions"] if c["name"] == "app"]
    assert {"name": "API_TOKEN", "valueFrom": secret_arn()} in container["secrets"]
    assert secret_arn().startswith(f"arn:aws:secretsmanager:{REGION}:")


def test_the_secret_is_encrypted_with_the_stacks_key(deployed: dict[str, str]) -> None:
    resources = aws("cloudformation").list_stack_resources(StackName=STACK)
    key = next(
        r["PhysicalResourceId"]
        for r in resources["StackResourceSummaries"]
        if r["LogicalResourceId"] == "EncryptionKey"
    )
    assert aws("secretsmanager").describe_secret(SecretId=secret_arn())["KmsKeyId"] == key


def test_before_a_value_is_set_list_and_preflight_say_how_to_set_it(
    deployed: dict[str, str], config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["secret", "list", "dev", "-c", config, "--output", "json"], capsys)
    assert code == 0, err
    document = json.loads(out)
    matches_schema(document, "secret-list")
    [row] = document["secrets"]
    assert row["name"] == "API_TOKEN" and row["has_value"] is False
    assert "appstack secret set dev API_TOKEN" in row["state"]
    code, out, err = run(["preflight", STACK, "dev", "-c", config, "--output", "json"], capsys)
    assert "PF008" in out and "appstack secret set dev API_TOKEN" in out


def test_setting_a_value_stores_it_and_rolls_the_service(
    deployed: dict[str, str],
    config: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = deployment_id(deployed)
    code, out, err = set_from_stdin(config, VALUE + "\n", capsys, monkeypatch)
    assert code == 0, err
    document = json.loads(out)
    matches_schema(document, "secret-set")
    stored = aws("secretsmanager").get_secret_value(SecretId=secret_arn())
    assert stored["SecretString"] == VALUE  # stdin less its final newline
    assert document["deployment"] == deployment_id(deployed) != before
    assert VALUE not in out + err


def test_list_shows_names_and_dates_and_never_a_value(
    deployed: dict[str, str],
    config: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_from_stdin(config, VALUE, capsys, monkeypatch)
    for output in ("text", "json"):
        code, out, err = run(["secret", "list", "dev", "-c", config, "--output", output], capsys)
        assert code == 0, err
        assert "API_TOKEN" in out and VALUE not in out + err
    [row] = json.loads(out)["secrets"]
    assert row["has_value"] is True and row["state"] == "set" and row["last_changed"]
    code, out, _ = run(["preflight", STACK, "dev", "-c", config, "--output", "json"], capsys)
    assert "PF008" not in out


def test_a_value_is_never_taken_from_the_command_line() -> None:
    group = command("secret")
    assert isinstance(group, click.Group)
    setting = group.commands["set"]
    arguments = [p.name for p in setting.params if not getattr(p, "opts", [""])[0].startswith("-")]
    assert arguments == ["env", "name"]
    assert not [p for p in setting.params if "value" in (p.name or "")]


@pytest.mark.parametrize(
    ("name", "says"),
    [("api_token", "upper-case"), ("AWS_REGION", "ECS sets"), ("OTHER", "not in `secrets:`")],
)
def test_a_name_that_is_wrong_or_not_configured_is_refused_before_anything_runs(
    config: str, capsys: pytest.CaptureFixture[str], name: str, says: str
) -> None:
    code, _, err = run(["secret", "set", "dev", name, "-c", config], capsys)
    assert code == 2 and says in err


def test_at_a_terminal_the_value_is_typed_at_a_hidden_prompt_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from appstack.cli.commands import secret

    asked: dict[str, Any] = {}

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def prompt(text: str, **kw: Any) -> str:
        asked.update(kw)
        return VALUE

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(click, "prompt", prompt)
    assert secret._read_value("API_TOKEN") == VALUE
    assert asked["hide_input"] is True and asked["confirmation_prompt"] is True
    assert asked["err"] is True  # stdout carries only the answer (--output json)
