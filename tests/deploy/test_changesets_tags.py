"""The stack's tags (`tags:` at the top and per environment, the environment's winning) go
with every change set (CreateChangeSet Tags), so the stack carries them and CloudFormation
copies them onto the resources that take tags.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from account_clients import client_in
from appstack.cli import main
from appstack.deploy import changesets

REGION = "us-east-1"
ACCOUNT = "555555555555"  # an account of its own: no other test's stacks or quotas
ROLE = f"arn:aws:iam::{ACCOUNT}:role/appstack-deploy"


def client(service: str) -> Any:
    return client_in(ROLE, service, REGION)


@pytest.fixture(scope="module")
def tagged(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("tags") / "appstack.yaml"
    path.write_text(
        f"application_name: tagged\nregion: {REGION}\n"
        "tags: {team: web, cost-center: '1001'}\n"
        f"environments:\n  dev:\n    account: '{ACCOUNT}'\n    role_arn: {ROLE}\n"
        "    tags: {team: shop}\n"
    )
    try:
        main(["deploy", "tagged-dev", "dev", "--yes", "--skip-validate", "-c", str(path)])
    except SystemExit as exc:
        assert not exc.code
    stack: dict[str, Any] = client("cloudformation").describe_stacks(StackName="tagged-dev")[
        "Stacks"
    ][0]
    return stack


def test_the_stack_carries_the_merged_tags_the_environments_winning(
    tagged: dict[str, Any],
) -> None:
    tags = {t["Key"]: t["Value"] for t in tagged["Tags"]}
    assert tags == {"team": "shop", "cost-center": "1001"}


def test_a_resource_that_takes_tags_carries_the_stacks_tags(tagged: dict[str, Any]) -> None:
    cfn = client("cloudformation")
    table = cfn.describe_stack_resource(StackName="tagged-dev", LogicalResourceId="Table")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    dynamodb = client("dynamodb")
    arn = dynamodb.describe_table(TableName=table)["Table"]["TableArn"]
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=arn)["Tags"]}
    assert tags["team"] == "shop" and tags["cost-center"] == "1001"


class Recorder:
    def __init__(self) -> None:
        self.created: dict[str, Any] = {}

    def create_change_set(self, **kw: Any) -> None:
        self.created = kw
        raise changesets.ClientError(
            {"Error": {"Code": "ValidationError", "Message": "No updates are to be performed"}},
            "CreateChangeSet",
        )


def test_without_tags_a_change_set_leaves_the_stacks_tags_as_they_are() -> None:
    cfn = Recorder()
    changesets.create(cfn, "s", {"Resources": {}}, False)
    assert "Tags" not in cfn.created
    changesets.create(cfn, "s", {"Resources": {}}, False, tags={"b": "2", "a": "1"})
    assert cfn.created["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]


def test_config_rules_can_scope_by_the_merged_tags(tmp_path: Path) -> None:
    from appstack import config

    app = config.parse({"tags": {"team": "web"}, "environments": {"dev": {"tags": {"a": "b"}}}})
    assert config.resolve(app, "dev").tags == {"team": "web", "a": "b"}
