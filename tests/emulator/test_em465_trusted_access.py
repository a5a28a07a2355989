"""EM465: a service-managed StackSet needs the organization's management account, trusted
access for StackSets activated, and AutoDeployment
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.accounts import Account
from emulator.organizations import organization
from emulator.stacksets import TOPIC

BODY = json.dumps(TOPIC)
AUTO = {"Enabled": True, "RetainStacksOnAccountRemoval": True}


def test_without_trusted_access_a_service_managed_stack_set_is_refused(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint, trusted_access=False)
    cfn = org.management.client("cloudformation")
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"
    with pytest.raises(ClientError, match="You must enable organizations access"):
        cfn.create_stack_set(
            StackSetName="em465", TemplateBody=BODY, PermissionModel="SERVICE_MANAGED",
            AutoDeployment=AUTO,
        )  # fmt: skip
    cfn.activate_organizations_access()
    assert cfn.describe_organizations_access()["Status"] == "ENABLED"
    enabled = org.management.client("organizations").list_aws_service_access_for_organization()
    assert "member.org.stacksets.cloudformation.amazonaws.com" in {
        s["ServicePrincipal"] for s in enabled["EnabledServicePrincipals"]
    }
    cfn.create_stack_set(
        StackSetName="em465", TemplateBody=BODY, PermissionModel="SERVICE_MANAGED",
        AutoDeployment=AUTO,
    )  # fmt: skip
    assert cfn.describe_stack_set(StackSetName="em465")["StackSet"]["AutoDeployment"] == AUTO


def test_a_service_managed_stack_set_needs_auto_deployment(emulator_endpoint: str) -> None:
    cfn = organization(emulator_endpoint).management.client("cloudformation")
    with pytest.raises(ClientError, match="AutoDeployment"):
        cfn.create_stack_set(
            StackSetName="em465", TemplateBody=BODY, PermissionModel="SERVICE_MANAGED"
        )


@pytest.mark.parametrize("member", [False, True])
def test_only_the_management_account_operates_a_service_managed_stack_set(
    emulator_endpoint: str, member: bool
) -> None:
    org = organization(emulator_endpoint)
    caller = (
        Account(emulator_endpoint, account=org.members["security"])
        if member
        else Account(emulator_endpoint)  # in no organization at all
    )
    cfn = caller.client("cloudformation")
    with pytest.raises(ClientError, match="master or delegated admin account"):
        cfn.create_stack_set(
            StackSetName="em465", TemplateBody=BODY, PermissionModel="SERVICE_MANAGED",
            AutoDeployment=AUTO,
        )  # fmt: skip
    with pytest.raises(ClientError, match="master or delegated admin account"):
        cfn.activate_organizations_access()
