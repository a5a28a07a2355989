"""EM466: a service-managed StackSet deploys to the member accounts of its OUs, those of child
OUs too, never to the management account, each instance a stack in its account and Region
that an update of the StackSet reaches
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html)."""

from __future__ import annotations

import json

from emulator.accounts import Account
from emulator.organizations import organization, service_managed
from emulator.stacksets import TOPIC

AUTO = {"Enabled": True, "RetainStacksOnAccountRemoval": False}
REGIONS = ["us-east-1", "eu-west-1"]


def stacks_in(endpoint: str, account: str, region: str) -> list[dict[str, object]]:
    cfn = Account(endpoint, region, account).client("cloudformation")
    found: list[dict[str, object]] = cfn.describe_stacks()["Stacks"]
    return found


def test_the_ous_accounts_child_ous_included_get_a_stack_in_each_region(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint)
    # The management account sits at the root, and so under the targeted root.
    orgs = org.management.client("organizations")
    assert org.management.id in {a["Id"] for a in orgs.list_accounts()["Accounts"]}
    cfn = org.management.client("cloudformation")
    cfn.create_stack_set(
        StackSetName="em466", TemplateBody=json.dumps(TOPIC), PermissionModel="SERVICE_MANAGED",
        AutoDeployment=AUTO,
    )  # fmt: skip
    cfn.create_stack_instances(
        StackSetName="em466", Regions=REGIONS,
        DeploymentTargets={"OrganizationalUnitIds": [org.root]},
    )  # fmt: skip
    summaries = cfn.list_stack_instances(StackSetName="em466")["Summaries"]
    assert {(s["Account"], s["Region"]) for s in summaries} == {
        (a, r) for a in org.accounts for r in REGIONS
    }
    for account in org.accounts:
        for region in REGIONS:
            [stack] = stacks_in(emulator_endpoint, account, region)
            assert str(stack["StackName"]).startswith("StackSet-em466-")
    assert stacks_in(emulator_endpoint, org.management.id, "us-east-1") == []
    changed = {"Resources": {**TOPIC["Resources"], "Second": {"Type": "AWS::SNS::Topic"}}}
    cfn.update_stack_set(StackSetName="em466", TemplateBody=json.dumps(changed))
    there = Account(emulator_endpoint, "eu-west-1", org.members["prod"]).client("cloudformation")
    [stack] = there.describe_stacks()["Stacks"]
    resources = there.list_stack_resources(StackName=stack["StackName"])
    assert {r["LogicalResourceId"] for r in resources["StackResourceSummaries"]} == {
        "Topic",
        "Second",
    }


def test_an_account_that_joins_a_targeted_ou_gets_its_instances_and_one_that_leaves_loses_them(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint)
    workloads = org.units["workloads"]
    service_managed(org, "em466", json.dumps(TOPIC), [workloads])
    cfn = org.management.client("cloudformation")
    orgs = org.management.client("organizations")
    joining = orgs.create_account(AccountName="new", Email="new@example.com")
    newcomer = joining["CreateAccountStatus"]["AccountId"]
    orgs.move_account(AccountId=newcomer, SourceParentId=org.root, DestinationParentId=workloads)
    prod = org.members["prod"]
    orgs.move_account(
        AccountId=prod, SourceParentId=org.units["prod"], DestinationParentId=org.root
    )
    summaries = cfn.list_stack_instances(StackSetName="em466")["Summaries"]
    assert {(s["Account"], s["Region"]) for s in summaries} == {
        (a, r) for a in (org.members["workloads"], newcomer) for r in REGIONS
    }
    assert len(stacks_in(emulator_endpoint, newcomer, "eu-west-1")) == 1
    # RetainStacksOnAccountRemoval: the account that left keeps its stacks.
    assert len(stacks_in(emulator_endpoint, prod, "eu-west-1")) == 1
