"""EM203: termination protection is stored, shown by DescribeStacks, and stops DeleteStack.

moto 5.2.5 has no UpdateTerminationProtection (a raw HTML 500) and deletes a stack created
with EnableTerminationProtection. On AWS "if a user attempts to delete a stack with
termination protection enabled, the operation fails and the stack remains unchanged": a
ValidationError, "Stack [NAME] cannot be deleted while TerminationProtection is enabled".
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import find_stack


def _refused(name: str) -> ValidationError:
    return ValidationError(
        message=f"Stack [{name}] cannot be deleted while TerminationProtection is enabled"
    )


@rule(
    "EM203",
    "Termination protection: UpdateTerminationProtection, shown by DescribeStacks, "
    "DeleteStack refused",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationResponse, "update_termination_protection")
    def update_termination_protection(_: Method, self: Any) -> ActionResult:
        name = self._get_param("StackName")
        stack = find_stack(self.cloudformation_backend, name)
        if stack is None:
            raise ValidationError(name)
        stack.enable_termination_protection = self._get_bool_param(
            "EnableTerminationProtection", False
        )
        return ActionResult({"StackId": stack.stack_id})

    @in_place_of(CloudFormationBackend, "delete_stack")
    def delete_stack(original: Method, self: Any, name_or_stack_id: str, *a: Any, **kw: Any) -> Any:
        stack = find_stack(self, name_or_stack_id)
        if stack is not None and stack.enable_termination_protection:
            raise _refused(stack.name)
        return original(self, name_or_stack_id, *a, **kw)
