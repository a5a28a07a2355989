"""EM460: DescribeStackResources finds the stack that holds a resource by its physical id.

"PhysicalResourceId: the name or unique identifier that corresponds to a physical instance
ID of a resource supported by CloudFormation ... returns the resources of the stack it
belongs to. Required: Conditional. If you don't specify PhysicalResourceId, you must specify
StackName." moto 5.2.5 ignores PhysicalResourceId and asks for a StackName, so "which stack
holds this recorder?" (the baseline's preflight asks it) has no answer on the emulator. With
PhysicalResourceId and no StackName, the stack that holds it answers its resources; a
resource no stack holds answers a ValidationError, as AWS does.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import stack_holding


@rule(
    "EM460",
    "DescribeStackResources by PhysicalResourceId answers the resources of the stack holding it",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html",
)
def install() -> None:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse.describe_stack_resources

    def describe_stack_resources(self: Any) -> Any:
        physical_id = self._get_param("PhysicalResourceId")
        if physical_id and not self._get_param("StackName"):
            holding = stack_holding(self.cloudformation_backend, physical_id)
            if holding is None:
                raise ValidationError(
                    message=f"Stack for {physical_id} does not exist", name_or_id=physical_id
                )
            stack_id = str(holding.stack_id)
            if self.automated_parameter_parsing:
                self.params["StackName"] = stack_id
            else:
                self.querystring["StackName"] = [stack_id]
        return original(self)

    setattr(CloudFormationResponse, "describe_stack_resources", describe_stack_resources)  # noqa: B010
