"""EM310: a failed stack delete names the resources that failed, and DeleteStack can retain them.

After a delete fails, the stack is DELETE_FAILED and ListStackResources shows each resource's
own status: DELETE_FAILED with the reason for those CloudFormation could not delete,
DELETE_COMPLETE for the rest. DeleteStack then takes RetainResources, "for stacks in the
DELETE_FAILED state, a list of resource logical IDs ... you want to retain. During deletion,
CloudFormation deletes the stack but doesn't delete the retained resources", and refuses the
parameter for a stack in any other state. moto 5.2.5 lists every resource as CREATE_COMPLETE
(and makes a deleted one again when asked for it), and ignores RetainResources, so a delete
that failed once fails the same way for ever.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


def _record_what_failed_to_delete() -> None:
    """A stack delete records, for the listing, every resource it began with, their physical
    ids, and the reason of each that failed; it keeps the resources DeleteStack retains."""
    from moto.cloudformation.parsing import ResourceMap

    original_delete = ResourceMap.delete

    def delete(self: Any) -> None:
        physical = getattr(self, "_appstack_physical", {})
        for logical_id, parsed in self._parsed_resources.items():
            physical.setdefault(logical_id, getattr(parsed, "physical_resource_id", ""))
        self._appstack_physical = physical
        # Every resource the stack had when its deletion began, gone or not, for the listing.
        declared = getattr(self, "_appstack_declared", {})
        self._appstack_declared = {**self._resource_json_map, **declared}
        for logical_id in getattr(self, "_appstack_retain", set()):
            self._parsed_resources.pop(logical_id, None)  # kept in the account, not deleted
        self._appstack_failed = {}
        try:
            original_delete(self)
        except Exception as exc:
            policy_kept = {
                k for k, v in self._resource_json_map.items() if v.get("DeletionPolicy") == "Retain"
            }
            reasons: dict[str, str] = getattr(exc, "reasons", {})
            self._appstack_failed = {
                logical_id: reasons.get(logical_id, str(exc))
                for logical_id in self._parsed_resources
                if logical_id not in policy_kept
            }
            raise

    setattr(ResourceMap, "delete", delete)  # noqa: B010


def _list_resources_after_a_failed_delete() -> None:
    """ListStackResources of a DELETE_FAILED stack: each resource's own delete status."""
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    original_list = CloudFormationResponse.list_stack_resources

    def list_stack_resources(self: Any) -> Any:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        resource_map = stack.resource_map
        failed: dict[str, str] = getattr(resource_map, "_appstack_failed", {})
        if stack.status != "DELETE_FAILED" or not failed:
            return original_list(self)
        physical = getattr(resource_map, "_appstack_physical", {})
        summaries = []
        declared = getattr(resource_map, "_appstack_declared", resource_map._resource_json_map)
        for logical_id, resource_json in declared.items():
            if logical_id in failed:
                status, reason = "DELETE_FAILED", failed[logical_id]
            elif resource_json.get("DeletionPolicy") == "Retain":
                status, reason = "DELETE_SKIPPED", None
            else:
                status, reason = "DELETE_COMPLETE", None
            summary = {
                "LogicalResourceId": logical_id,
                "PhysicalResourceId": physical.get(logical_id, ""),
                "ResourceType": resource_json.get("Type", ""),
                "LastUpdatedTimestamp": stack.creation_time,
                "ResourceStatus": status,
            }
            if reason:
                summary["ResourceStatusReason"] = reason
            summaries.append(summary)
        return ActionResult({"StackResourceSummaries": summaries})

    setattr(CloudFormationResponse, "list_stack_resources", list_stack_resources)  # noqa: B010


def _retain_resources_that_failed_to_delete() -> None:
    """DeleteStack's RetainResources: only on a DELETE_FAILED stack, only resources that
    failed."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse

    original_delete_stack = CloudFormationResponse.delete_stack

    def delete_stack(self: Any) -> Any:
        retain = list(self._get_param("RetainResources", []) or [])
        if retain:
            name = self._get_param("StackName")
            stack = self.cloudformation_backend.get_stack(name)
            failed = getattr(stack.resource_map, "_appstack_failed", {})
            if stack.status != "DELETE_FAILED":
                raise ValidationError(
                    message=f"Invalid operation on stack [{stack.stack_id}]: RetainResources "
                    f"can only be specified when the stack is in the DELETE_FAILED state"
                )
            unknown = sorted(set(retain) - set(failed))
            if unknown:
                raise ValidationError(
                    message=f"The specified resources to retain must be in a valid state: "
                    f"{', '.join(unknown)} did not fail to delete"
                )
            stack.resource_map._appstack_retain = set(retain)
        return original_delete_stack(self)

    setattr(CloudFormationResponse, "delete_stack", delete_stack)  # noqa: B010


@rule(
    "EM310",
    "A DELETE_FAILED stack lists its failed resources; DeleteStack can retain exactly those",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html",
)
def install() -> None:
    _record_what_failed_to_delete()
    _list_resources_after_a_failed_delete()
    _retain_resources_that_failed_to_delete()
