"""EM467: a service-managed stack instance reports the OU it was deployed through and its
stack's id; the StackSet reports its OUs
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSet.html)."""

from __future__ import annotations

import json

from emulator.accounts import Account
from emulator.organizations import organization, service_managed
from emulator.stacksets import TOPIC


def test_each_instance_names_its_ou_and_its_stack(emulator_endpoint: str) -> None:
    org = organization(emulator_endpoint)
    workloads, security = org.units["workloads"], org.units["security"]
    service_managed(org, "em467", json.dumps(TOPIC), [workloads, security])
    cfn = org.management.client("cloudformation")
    summaries = cfn.list_stack_instances(StackSetName="em467")["Summaries"]
    # An account of a child OU answers the OU that was targeted.
    assert {(s["Account"], s["OrganizationalUnitId"]) for s in summaries} == {
        (org.members["workloads"], workloads),
        (org.members["prod"], workloads),
        (org.members["security"], security),
    }
    prod = org.members["prod"]
    found = cfn.describe_stack_instance(
        StackSetName="em467", StackInstanceAccount=prod, StackInstanceRegion="eu-west-1"
    )["StackInstance"]
    there = Account(emulator_endpoint, "eu-west-1", prod).client("cloudformation")
    [stack] = there.describe_stacks()["Stacks"]
    assert found["StackId"] == stack["StackId"] and found["OrganizationalUnitId"] == workloads
    stack_set = cfn.describe_stack_set(StackSetName="em467")["StackSet"]
    assert sorted(stack_set["OrganizationalUnitIds"]) == sorted([workloads, security])
