"""EM107: a stack deletion that cannot delete a resource ends DELETE_FAILED.

The stack stays, DELETE_FAILED, with the resources that could not go (the others are
deleted), and its event names them: "The following resource(s) failed to delete: [...]".
moto 5.2.5 drops the stack from its list before deleting its resources, so a failure answers
DeleteStack with an error and loses the stack.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, rule, stands_in_for
from appstack.local.fidelity.em2_shared import find_stack

#: DeleteStack: RetainResources applies "for stacks in the DELETE_FAILED state ... useful
#: when you can't delete a resource".
SOURCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html"


@rule("EM107", "A deletion that cannot delete a resource ends DELETE_FAILED", SOURCE)
@stands_in_for("moto.cloudformation.models:CloudFormationBackend.delete_stack")
def delete_stack(original: Method, self: Any, name_or_stack_id: str) -> None:
    stack = find_stack(self, name_or_stack_id)
    if stack is None:
        original(self, name_or_stack_id)
        return
    try:
        original(self, stack.stack_id)
    except Exception as exc:
        self.stacks[stack.stack_id] = stack
        self.deleted_stacks.pop(stack.stack_id, None)
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=str(exc))
        stack.status = "DELETE_FAILED"
