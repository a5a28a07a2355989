"""EM470: a change set whose Tags differ from the stack's modifies each resource the new tags
change (Scope ["Tags"], Replacement False, a Tags Detail, Evaluation Static), and runs though
its template and parameters are the stack's; one that changes nothing still ends FAILED.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
"""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest

from emulator._lifecycle import table

REGION = "ap-northeast-1"  # shared with EM471's and EM472's tests; no VPC is made here
STACK = "tag-change-sets"
STACK_TAGS = {"team": "web", "cost-center": "1001"}
RESOURCES: dict[str, Any] = {
    "Table": table(Tags=[{"Key": "name", "Value": "table"}]),
    # Sets `team` itself: a change of the stack's `team` does not reach it.
    "Logs": {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": "tag-change-sets",
            "Tags": [{"Key": "team", "Value": "from-template"}],
        },
    },
    # A type that takes no tags (its registry schema: "taggable": false).
    "Stream": {
        "Type": "AWS::Logs::LogStream",
        "Properties": {"LogGroupName": {"Ref": "Logs"}, "LogStreamName": "untagged"},
    },
}
TEMPLATE = json.dumps({"Resources": RESOURCES})
TAGS_DETAIL = {
    "Target": {"Attribute": "Tags", "RequiresRecreation": "Never"},
    "Evaluation": "Static",
}


def as_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    client = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    client.create_stack(StackName=STACK, TemplateBody=TEMPLATE, Tags=as_list(STACK_TAGS))
    return client


def change_set(cfn: Any, name: str, tags: dict[str, str], template: str = TEMPLATE) -> Any:
    cfn.create_change_set(
        StackName=STACK,
        ChangeSetName=name,
        ChangeSetType="UPDATE",
        TemplateBody=template,
        Tags=as_list(tags),
    )
    return cfn.describe_change_set(StackName=STACK, ChangeSetName=name)


def rows(described: Any) -> dict[str, Any]:
    return {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]
    }


def test_a_change_of_the_stack_tags_alone_makes_an_executable_change_set(cfn: Any) -> None:
    described = change_set(cfn, "new-cost-center", {**STACK_TAGS, "cost-center": "2002"})
    assert described["Status"] == "CREATE_COMPLETE"
    assert described["ExecutionStatus"] == "AVAILABLE"
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {
        **STACK_TAGS,
        "cost-center": "2002",
    }


def test_each_resource_the_new_tags_reach_is_a_modify_of_its_tags(cfn: Any) -> None:
    found = rows(change_set(cfn, "cost-center-rows", {**STACK_TAGS, "cost-center": "2002"}))
    assert sorted(found) == ["Logs", "Table"]  # the log stream takes no tags
    for row in found.values():
        assert row["Action"] == "Modify"
        assert row["Scope"] == ["Tags"]
        assert row["Replacement"] == "False"
        assert row["Details"] == [TAGS_DETAIL]
        assert row["PhysicalResourceId"]


def test_a_resource_that_sets_the_changed_tag_itself_is_not_listed(cfn: Any) -> None:
    found = rows(change_set(cfn, "new-team", {**STACK_TAGS, "team": "shop"}))
    assert sorted(found) == ["Table"]


def test_a_tag_dropped_from_the_stack_modifies_the_resources_it_was_on(cfn: Any) -> None:
    found = rows(change_set(cfn, "no-cost-center", {"team": "web"}))
    assert sorted(found) == ["Logs", "Table"]


def test_a_change_set_with_the_same_template_parameters_and_tags_changes_nothing(
    cfn: Any,
) -> None:
    described = change_set(cfn, "same-tags", STACK_TAGS)
    assert described["Status"] == "FAILED"
    assert "didn't contain changes" in described["StatusReason"]
    assert described.get("Changes", []) == []


def test_a_template_change_with_new_tags_carries_both_on_the_resource(cfn: Any) -> None:
    resources = copy.deepcopy(RESOURCES)
    resources["Table"]["Properties"]["DeletionProtectionEnabled"] = True
    template = json.dumps({"Resources": resources})
    found = rows(change_set(cfn, "both", {**STACK_TAGS, "cost-center": "2002"}, template))
    table = found["Table"]
    assert table["Scope"] == ["Properties", "Tags"]
    assert {d["Target"]["Attribute"] for d in table["Details"]} == {"Properties", "Tags"}
    assert TAGS_DETAIL in table["Details"]
    assert found["Logs"]["Scope"] == ["Tags"]
