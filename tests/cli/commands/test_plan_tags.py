"""`appstack plan` and `deploy` of a change of the stack's tags alone, on the emulator: each
resource that takes tags is modified in place (the change set's Modify, Scope Tags), nothing
is replaced or refused, no flag is needed, and the deploy retags the resources.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from cli_runner import run

REGION = "ap-northeast-1"  # the Region of the emulator's stack-tag tests: VPCs to spare
STACK = "plantags-dev"


def config(path: Path, team: str) -> str:
    path.write_text(f"application_name: plantags\nregion: {REGION}\ntags: {{team: {team}}}\n")
    return str(path)


@pytest.fixture(scope="module")
def retagged(tmp_path_factory: pytest.TempPathFactory, emulator_endpoint: str) -> str:
    """A dev stack deployed with `team: web`, its config now saying `team: shop`."""
    path = tmp_path_factory.mktemp("plan-tags") / "appstack.yaml"
    from appstack.cli import main

    try:
        main(["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", config(path, "web")])
    except SystemExit as exc:
        assert not exc.code, "the tagged stack did not deploy"
    return config(path, "shop")


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)


def taking_tags(endpoint: str) -> set[str]:
    """The deployed template's resources that take tags (a Tags list)."""
    body = client("cloudformation", endpoint).get_template(StackName=STACK)["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    return {
        name
        for name, resource in template["Resources"].items()
        if isinstance(resource.get("Properties", {}).get("Tags"), list)
    }


def test_plan_of_new_tags_modifies_each_resource_that_takes_tags_and_refuses_nothing(
    retagged: str, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["plan", STACK, "dev", "-c", retagged, "--output", "json"], capsys)
    assert code == 0, err
    planned = json.loads(out)
    assert {c["action"] for c in planned["changes"]} == {"modify"}
    assert {c["logical_id"] for c in planned["changes"]} == taking_tags(emulator_endpoint)
    assert planned["refused"] == []
    code, out, err = run(["plan", STACK, "dev", "-c", retagged], capsys)
    assert code == 0, err
    assert "0 replace" in out and "data" not in (out + err).lower()


def test_deploy_of_new_tags_needs_no_flag_and_retags_the_table(
    retagged: str, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["deploy", STACK, "dev", "--yes", "--skip-validate", "-c", retagged], capsys)
    assert code == 0, err
    cfn = client("cloudformation", emulator_endpoint)
    table = cfn.describe_stack_resource(StackName=STACK, LogicalResourceId="Table")
    name = table["StackResourceDetail"]["PhysicalResourceId"]
    dynamodb = client("dynamodb", emulator_endpoint)
    arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"]}
    assert tags["team"] == "shop"
