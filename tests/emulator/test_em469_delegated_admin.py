"""EM469: a member account registered as delegated administrator for StackSets creates the
organization's service-managed StackSets with CallAs DELEGATED_ADMIN, in the management
account; an account not registered is refused
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.accounts import Account
from emulator.organizations import AUTO, organization
from emulator.stacksets import TOPIC

PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"


def test_a_delegated_administrator_operates_the_management_accounts_stack_sets(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint)
    delegate = org.members["security"]
    cfn = Account(emulator_endpoint, account=delegate).client("cloudformation")
    create = {
        "StackSetName": "em469", "TemplateBody": json.dumps(TOPIC),
        "PermissionModel": "SERVICE_MANAGED", "AutoDeployment": AUTO,
        "CallAs": "DELEGATED_ADMIN",
    }  # fmt: skip
    with pytest.raises(ClientError, match="not a delegated administrator"):
        cfn.create_stack_set(**create)
    org.management.client("organizations").register_delegated_administrator(
        AccountId=delegate, ServicePrincipal=PRINCIPAL
    )
    assert cfn.describe_organizations_access(CallAs="DELEGATED_ADMIN")["Status"] == "ENABLED"
    cfn.create_stack_set(**create)
    cfn.create_stack_instances(
        StackSetName="em469", Regions=["us-east-1"], CallAs="DELEGATED_ADMIN",
        DeploymentTargets={"OrganizationalUnitIds": [org.units["workloads"]]},
    )  # fmt: skip
    # The StackSet is the management account's, and the delegate's own account has none.
    management = org.management.client("cloudformation")
    found = management.describe_stack_set(StackSetName="em469")["StackSet"]
    assert found["PermissionModel"] == "SERVICE_MANAGED"
    assert cfn.list_stack_sets()["Summaries"] == []
    listed = cfn.list_stack_instances(StackSetName="em469", CallAs="DELEGATED_ADMIN")
    assert {s["Account"] for s in listed["Summaries"]} == {
        org.members["workloads"],
        org.members["prod"],
    }
