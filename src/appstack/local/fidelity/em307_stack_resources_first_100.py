"""EM307: DescribeStackResources describes the first 100 resources of a stack only.

"Only the first 100 resources will be returned. If your stack has more resources than this,
you should use ListStackResources instead." moto 5.2.5 answers every resource, so a reader
that looks for one resource among all of them passes on the emulator and misses it on AWS
once a stack passes 100 resources (phase 4 does). A question about one logical id
(LogicalResourceId) is answered as before.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

LIMIT = 100


@rule(
    "EM307",
    "DescribeStackResources answers the first 100 resources only (ListStackResources pages)",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.describe_stack_resources

    def describe_stack_resources(
        self: Any, stack_name: str, logical_resource_id: str
    ) -> tuple[Any, list[Any]]:
        stack, resources = original(self, stack_name, logical_resource_id)
        return stack, list(resources)[:LIMIT]

    setattr(CloudFormationBackend, "describe_stack_resources", describe_stack_resources)  # noqa: B010
