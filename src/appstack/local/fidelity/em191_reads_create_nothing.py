"""EM191: describing a stack whose resources are being or were deleted creates nothing.

moto's resource map creates a resource the first time it is read. Once a deletion (of the
stack, or of a failed creation by its rollback) has taken resources away, DescribeStacks
(its Outputs), DeleteStack (dropping its exports) and ListStackResources read the map
again, and moto creates the
deleted resources anew, or fails with a 500 where one they refer to is gone. On AWS a read
changes nothing: a stack that is deleting, failed to delete or rolled back its creation lists
the resources it still has, and its Outputs are the ones its last operation produced.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html"

#: Statuses in which resources have been taken away from the stack.
_DELETING = ("DELETE_", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE")


def _deleting(stack: Any) -> bool:
    return str(stack.status).startswith(_DELETING)


@rule("EM191", "Describing a stack whose resources are deleted creates nothing", SOURCE)
def install() -> None:
    from moto.cloudformation.models import Stack

    outputs: Any = vars(Stack)["outputs"]
    stack_resources: Any = vars(Stack)["stack_resources"]
    exports: Any = vars(Stack)["exports"]

    def as_last_produced(read: Any, kept: str) -> Any:
        """What `read` (a property) last produced while the stack is deleted, kept in the
        attribute `kept`: reading it then would make the resources again."""

        def last_produced(self: Any) -> Any:
            if _deleting(self):
                return getattr(self, kept, [])
            produced = read.fget(self)
            setattr(self, kept, produced)
            return produced

        return property(last_produced)

    def resources_still_there(self: Any) -> Any:
        if not _deleting(self):
            return stack_resources.fget(self)
        made = self.resource_map._parsed_resources
        return [made[k] for k in self.resource_map._resource_json_map if made.get(k) is not None]

    setattr(Stack, "outputs", as_last_produced(outputs, "_em191_outputs"))  # noqa: B010
    setattr(Stack, "stack_resources", property(resources_still_there))  # noqa: B010
    setattr(Stack, "exports", as_last_produced(exports, "_em191_exports"))  # noqa: B010
