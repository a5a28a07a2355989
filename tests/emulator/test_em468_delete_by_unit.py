"""EM468: DeleteStackInstances of a service-managed StackSet names its OUs (not accounts);
their instances and stacks go, or with RetainStacks the stacks stay
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStackInstances.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.accounts import Account
from emulator.organizations import organization, service_managed
from emulator.stacksets import TOPIC

REGIONS = ["us-east-1", "eu-west-1"]


def test_deleting_by_ou_empties_the_stack_set_so_it_can_be_deleted(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint)
    workloads, security = org.units["workloads"], org.units["security"]
    service_managed(org, "em468", json.dumps(TOPIC), [workloads, security])
    cfn = org.management.client("cloudformation")
    with pytest.raises(ClientError, match="OrganizationalUnit"):
        cfn.delete_stack_instances(
            StackSetName="em468", Accounts=[org.members["security"]], Regions=REGIONS,
            RetainStacks=False,
        )  # fmt: skip
    operation = cfn.delete_stack_instances(
        StackSetName="em468", DeploymentTargets={"OrganizationalUnitIds": [security]},
        Regions=REGIONS, RetainStacks=True,
    )["OperationId"]  # fmt: skip
    results = cfn.list_stack_set_operation_results(StackSetName="em468", OperationId=operation)
    assert {(r["Account"], r["Region"]) for r in results["Summaries"]} == {
        (org.members["security"], r) for r in REGIONS
    }
    kept = Account(emulator_endpoint, "eu-west-1", org.members["security"]).client("cloudformation")
    assert len(kept.describe_stacks()["Stacks"]) == 1  # RetainStacks: the stack stays
    cfn.delete_stack_instances(
        StackSetName="em468", DeploymentTargets={"OrganizationalUnitIds": [workloads]},
        Regions=REGIONS, RetainStacks=False,
    )  # fmt: skip
    assert cfn.list_stack_instances(StackSetName="em468")["Summaries"] == []
    prod = Account(emulator_endpoint, "us-east-1", org.members["prod"]).client("cloudformation")
    assert prod.describe_stacks()["Stacks"] == []
    cfn.delete_stack_set(StackSetName="em468")
