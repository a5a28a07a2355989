"""EM431: ContinueUpdateRollback takes an UPDATE_ROLLBACK_FAILED stack on with its rollback.

"For a specified stack that's in the UPDATE_ROLLBACK_FAILED state, continues rolling it back
to the UPDATE_ROLLBACK_COMPLETE state": CloudFormation tries again to put back each resource
the rollback could not (its cause may have been fixed meanwhile); the resources named in
ResourcesToSkip are not rolled back but set to UPDATE_COMPLETE ("After the rollback is
complete, the state of the skipped resources will be inconsistent with the state of the
resources in the stack template"). What still cannot be put back leaves the stack
UPDATE_ROLLBACK_FAILED again. A stack in any other state is refused with a ValidationError.
The operation's events carry its ClientRequestToken (EM304), and with a time scale it runs
after the request is answered, the stack UPDATE_ROLLBACK_IN_PROGRESS meanwhile (EM207).
moto 5.2.5 has no ContinueUpdateRollback.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult

from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import find_stack
from appstack.local.fidelity.em100_update_lifecycle import _message, resource_event
from appstack.local.fidelity.em207_operation_time import in_background, time_scale
from appstack.local.fidelity.em304_event_client_request_token import TOKENS
from appstack.local.fidelity.em430_update_rollback_failed import FAILED, SOURCE, unrolled


def stuck_stack(backend: Any, name: str) -> Any:
    """The stack ContinueUpdateRollback names, refused unless it is UPDATE_ROLLBACK_FAILED."""
    stack = find_stack(backend, name)
    if stack is None:
        raise ValidationError(message=f"Stack with id {name} does not exist")
    if stack.status != FAILED:
        raise ValidationError(
            message=f"Stack [{stack.stack_id}] is in {stack.status} state and can not "
            "continue update rollback"
        )
    return stack


def continue_rollback(stack: Any, skip: list[str]) -> None:
    """Put back what the rollback could not, skipping `skip`; the stack's status follows."""
    from moto.cloudformation import parsing

    resource_map = stack.resource_map
    left = unrolled(stack)
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason="User Initiated")
    for name in sorted(left):
        resource_json = resource_map._resource_json_map[name]
        if name in skip:
            resource_event(resource_map, name, resource_json["Type"], "UPDATE_COMPLETE",
                           "Resource skipped during continue update rollback")  # fmt: skip
            del left[name]
            continue
        try:
            changed = parsing.parse_and_update_resource(
                name, resource_json, resource_map, stack.account_id, stack.region_name
            )
        except Exception as exc:
            left[name] = _message(exc)
            continue
        if changed is not None:
            resource_map._parsed_resources[name] = changed
        del left[name]
    stack.status = "UPDATE_ROLLBACK_COMPLETE"  # FAILED while something is left (EM430)
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


@rule(
    "EM431",
    "ContinueUpdateRollback retries what an UPDATE_ROLLBACK_FAILED stack could not put back, "
    "skipping ResourcesToSkip",
    SOURCE,
)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    def continue_update_rollback(self: Any) -> ActionResult:
        stack = stuck_stack(self.cloudformation_backend, self._get_param("StackName"))
        TOKENS[stack.stack_id] = self._get_param("ClientRequestToken")
        skip = list(self._get_param("ResourcesToSkip", []) or [])
        if time_scale():

            def failed(exc: BaseException) -> None:
                stack.status = FAILED
                stack._add_stack_event(FAILED, resource_status_reason=str(exc))

            in_background(lambda: continue_rollback(stack, skip), failed)()
        else:
            continue_rollback(stack, skip)
        return ActionResult({})

    setattr(CloudFormationResponse, "continue_update_rollback", continue_update_rollback)  # noqa: B010
