"""Change sets: created from the compact template, read across every page of changes, and an
empty one told apart from a failed one.

DescribeChangeSet answers the changes a page at a time with a NextToken, and a change set
with nothing to change is FAILED with the reason "The submitted information didn't contain
changes" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html).
Here a stand-in CloudFormation client answers as the API reference says.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from appstack.deploy import changesets
from appstack.deploy.changesets import Change, ChangeSet, ChangeSetFailed


def resource_change(logical_id: str, action: str = "Modify", replacement: str = "False") -> dict:
    return {
        "Type": "Resource",
        "ResourceChange": {
            "Action": action,
            "LogicalResourceId": logical_id,
            "ResourceType": "AWS::SNS::Topic",
            "Replacement": replacement,
            "Details": [
                {
                    "Target": {
                        "Attribute": "Properties",
                        "Name": "TopicName",
                        "RequiresRecreation": "Always",
                    }
                }
            ],
        },
    }


class CloudFormation:
    """Answers create/describe/delete_change_set from a list of pages."""

    def __init__(self, pages: list[list[dict]], status: str = "CREATE_COMPLETE", reason: str = ""):
        self.pages, self.status, self.reason = pages, status, reason
        self.created: dict[str, Any] = {}
        self.deleted: list[str] = []
        self.executed: dict[str, Any] = {}

    def create_change_set(self, **request: Any) -> None:
        self.created = request

    def describe_change_set(self, StackName: str, ChangeSetName: str, NextToken: str = "0") -> dict:
        page = int(NextToken)
        answer: dict[str, Any] = {
            "ChangeSetName": ChangeSetName,
            "Status": self.status,
            "StatusReason": self.reason,
            "ExecutionStatus": "AVAILABLE",
            "Changes": self.pages[page] if self.pages else [],
        }
        if page + 1 < len(self.pages):
            answer["NextToken"] = str(page + 1)
        return answer

    def delete_change_set(self, StackName: str, ChangeSetName: str) -> None:
        self.deleted.append(ChangeSetName)

    def execute_change_set(self, **request: Any) -> None:
        self.executed = request


def test_the_changes_of_every_page_are_read() -> None:
    cfn = CloudFormation([[resource_change("A")], [resource_change("B", replacement="True")]])
    change_set = changesets.create(cfn, "app-dev", {"Resources": {}}, creating=False)
    assert [c.logical_id for c in change_set.changes] == ["A", "B"]
    assert [c.kind for c in change_set.changes] == ["modify", "replace"]
    assert change_set.changes[0].details[0].requires_recreation == "Always"
    assert cfn.created["ChangeSetType"] == "UPDATE"


def test_the_template_goes_compact_with_the_capabilities_it_needs() -> None:
    cfn = CloudFormation([[]])
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    changesets.create(cfn, "app-dev", template, creating=True)
    assert cfn.created["TemplateBody"] == '{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}'
    assert json.loads(cfn.created["TemplateBody"]) == template
    assert cfn.created["ChangeSetType"] == "CREATE"
    assert "CAPABILITY_NAMED_IAM" in cfn.created["Capabilities"]


def test_a_template_in_a_bucket_is_passed_by_its_url() -> None:
    cfn = CloudFormation([[]])
    url = "https://bucket.s3.eu-west-1.amazonaws.com/t.json"
    changesets.create(cfn, "app-dev", {"Resources": {}}, creating=False, template_url=url)
    assert cfn.created["TemplateURL"] == url and "TemplateBody" not in cfn.created


def test_a_change_set_without_changes_is_empty_and_deleted() -> None:
    reason = "The submitted information didn't contain changes. Submit different information."
    cfn = CloudFormation([], status="FAILED", reason=reason)
    change_set = changesets.create(cfn, "app-dev", {"Resources": {}}, creating=False)
    assert change_set.empty and change_set.changes == []
    assert cfn.deleted == [change_set.name]


def test_a_change_set_that_fails_for_another_reason_says_why() -> None:
    cfn = CloudFormation([], status="FAILED", reason="Template format error: bad resource")
    with pytest.raises(ChangeSetFailed, match="Template format error"):
        changesets.create(cfn, "app-dev", {"Resources": {}}, creating=False)
    assert len(cfn.deleted) == 1


def test_the_execution_carries_the_change_sets_token() -> None:
    cfn = CloudFormation([[]])
    change_set = ChangeSet("app-dev", "appstack-1-abc", creating=False)
    changesets.execute(cfn, change_set)
    assert cfn.executed["ClientRequestToken"] == change_set.token == "appstack-1-abc"


def test_counts_are_by_kind() -> None:
    change_set = ChangeSet(
        "app-dev",
        "x",
        creating=False,
        changes=[
            Change("Add", "A", "AWS::SNS::Topic"),
            Change("Modify", "B", "AWS::SNS::Topic", replacement="Conditional"),
            Change("Modify", "C", "AWS::SNS::Topic"),
            Change("Remove", "D", "AWS::SNS::Topic"),
        ],
    )
    kinds = ("add", "replace", "modify", "remove")
    assert [change_set.count(kind) for kind in kinds] == [1, 1, 1, 1]
