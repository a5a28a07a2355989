"""EM104: a load balancer keeps its attributes; deletion protection refuses its delete.

AWS: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html
(OperationNotPermitted) and
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, events, load_balancer_stack, physical_id, unique

REGION = "eu-south-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def elbv2(emulator_endpoint: str) -> Any:
    return client("elbv2", emulator_endpoint, REGION)


def protection(elbv2: Any, arn: str) -> str:
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    return str(next(a["Value"] for a in attributes if a["Key"] == "deletion_protection.enabled"))


def arns(elbv2: Any) -> list[str]:
    return [b["LoadBalancerArn"] for b in elbv2.describe_load_balancers()["LoadBalancers"]]


def test_the_template_attributes_reach_the_load_balancer(cfn: Any, elbv2: Any) -> None:
    stack = unique("attrs")
    deploy(cfn, stack, load_balancer_stack(REGION, protected=True))
    assert protection(elbv2, physical_id(cfn, stack, "LoadBalancer")) == "true"


def test_an_update_turns_deletion_protection_off_in_place(cfn: Any, elbv2: Any) -> None:
    stack = unique("attrsoff")
    deploy(cfn, stack, load_balancer_stack(REGION, protected=True))
    arn = physical_id(cfn, stack, "LoadBalancer")
    assert protection(elbv2, arn) == "true"
    assert deploy(cfn, stack, load_balancer_stack(REGION, protected=False)) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "LoadBalancer") == arn
    assert protection(elbv2, arn) == "false"


def test_deleting_a_protected_load_balancer_is_refused(cfn: Any, elbv2: Any) -> None:
    stack = unique("refused")
    deploy(cfn, stack, load_balancer_stack(REGION, protected=True))
    arn = physical_id(cfn, stack, "LoadBalancer")
    with pytest.raises(elbv2.exceptions.ClientError) as refused:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert refused.value.response["Error"]["Code"] == "OperationNotPermitted"


def test_deleting_the_stack_ends_delete_failed_and_keeps_the_load_balancer(
    cfn: Any, elbv2: Any
) -> None:
    stack = unique("stackdel")
    deploy(cfn, stack, load_balancer_stack(REGION, protected=True))
    arn = physical_id(cfn, stack, "LoadBalancer")
    cfn.delete_stack(StackName=stack)
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "DELETE_FAILED"
    failed = events(cfn, stack, "DELETE_FAILED")
    assert "LoadBalancer" in [e["LogicalResourceId"] for e in failed]
    assert "OperationNotPermitted" in next(
        e["ResourceStatusReason"] for e in failed if e["LogicalResourceId"] == "LoadBalancer"
    )
    assert arn in arns(elbv2)


def test_an_update_removing_a_protected_load_balancer_completes_and_leaves_it(
    cfn: Any, elbv2: Any
) -> None:
    stack = unique("updrm")
    template = load_balancer_stack(REGION, protected=True)
    deploy(cfn, stack, template)
    arn = physical_id(cfn, stack, "LoadBalancer")
    smaller = copy.deepcopy(template)
    del smaller["Resources"]["LoadBalancer"]
    assert deploy(cfn, stack, smaller) == "UPDATE_COMPLETE"
    assert [e["LogicalResourceId"] for e in events(cfn, stack, "DELETE_FAILED")] == ["LoadBalancer"]
    assert arn in arns(elbv2)
