"""EM203: termination protection is stored, shown and enforced.

UpdateTerminationProtection: "If a user attempts to delete a stack with termination protection
enabled, the operation fails and the stack remains unchanged."
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from appstack.deploy import stacks
from appstack.deploy.session import Connection

TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
REGION = "eu-north-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)


def describe(cfn: Any, name: str) -> dict[str, Any]:
    stack: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return stack


def test_update_termination_protection_is_stored_and_shown(cfn: Any) -> None:
    stack_id = cfn.create_stack(StackName="tp-shown", TemplateBody=TEMPLATE)["StackId"]
    assert describe(cfn, "tp-shown")["EnableTerminationProtection"] is False
    answer = cfn.update_termination_protection(
        StackName="tp-shown", EnableTerminationProtection=True
    )
    assert answer["StackId"] == stack_id
    assert describe(cfn, "tp-shown")["EnableTerminationProtection"] is True


def test_deleting_a_protected_stack_is_refused_and_leaves_it_unchanged(cfn: Any) -> None:
    cfn.create_stack(StackName="tp-refused", TemplateBody=TEMPLATE)
    cfn.update_termination_protection(StackName="tp-refused", EnableTerminationProtection=True)
    with pytest.raises(ClientError) as caught:
        cfn.delete_stack(StackName="tp-refused")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "Stack [tp-refused] cannot be deleted while TerminationProtection is enabled"
    )
    stack = describe(cfn, "tp-refused")
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert not any(
        e["ResourceStatus"].startswith("DELETE")
        for e in cfn.describe_stack_events(StackName="tp-refused")["StackEvents"]
    )


def test_a_stack_created_protected_is_protected(cfn: Any) -> None:
    cfn.create_stack(
        StackName="tp-at-create", TemplateBody=TEMPLATE, EnableTerminationProtection=True
    )
    assert describe(cfn, "tp-at-create")["EnableTerminationProtection"] is True
    with pytest.raises(ClientError, match="TerminationProtection is enabled"):
        cfn.delete_stack(StackName="tp-at-create")


def test_a_stack_whose_protection_is_turned_off_can_be_deleted(cfn: Any) -> None:
    cfn.create_stack(StackName="tp-off", TemplateBody=TEMPLATE, EnableTerminationProtection=True)
    cfn.update_termination_protection(StackName="tp-off", EnableTerminationProtection=False)
    cfn.delete_stack(StackName="tp-off")
    with pytest.raises(ClientError, match="does not exist"):
        describe(cfn, "tp-off")


def test_protection_of_a_stack_that_does_not_exist_is_refused(cfn: Any) -> None:
    with pytest.raises(ClientError) as caught:
        cfn.update_termination_protection(StackName="tp-nowhere", EnableTerminationProtection=True)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    assert "does not exist" in caught.value.response["Error"]["Message"]


def test_a_production_deploy_leaves_the_stack_protected_without_warnings(
    emulator_endpoint: str, cfn: Any
) -> None:
    conn = Connection(REGION, endpoint=emulator_endpoint)
    template = json.loads(TEMPLATE)
    change_set, _ = stacks.plan(conn, "tp-prod", None, template)
    outcome = stacks.apply(conn, change_set, template, production=True)
    assert outcome.warnings == []
    assert describe(cfn, "tp-prod")["EnableTerminationProtection"] is True


def test_a_stack_created_explicitly_unprotected_can_be_deleted(cfn: Any) -> None:
    cfn.create_stack(StackName="tp-no", TemplateBody=TEMPLATE, EnableTerminationProtection=False)
    assert describe(cfn, "tp-no")["EnableTerminationProtection"] is False
    cfn.delete_stack(StackName="tp-no")
    with pytest.raises(ClientError, match="does not exist"):
        describe(cfn, "tp-no")
