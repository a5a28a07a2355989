"""EM432: ResourcesToSkip names only resources whose rollback failed.

ContinueUpdateRollback's ResourcesToSkip: "You can specify only resources that are in the
UPDATE_FAILED state because a rollback failed. You can't specify resources that are in the
UPDATE_FAILED state for other reasons". A name that is not one of those (a resource that
rolled back, or none of the stack's) is refused with a ValidationError and nothing is done.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError

from appstack.local.fidelity import rule
from appstack.local.fidelity.em430_update_rollback_failed import SOURCE, unrolled
from appstack.local.fidelity.em431_continue_update_rollback import stuck_stack


@rule("EM432", "ResourcesToSkip names only resources whose rollback failed", SOURCE)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse.continue_update_rollback  # type: ignore[attr-defined]

    def continue_update_rollback(self: Any) -> Any:
        skip = list(self._get_param("ResourcesToSkip", []) or [])
        if skip:
            stack = stuck_stack(self.cloudformation_backend, self._get_param("StackName"))
            wrong = sorted(set(skip) - set(unrolled(stack)))
            if wrong:
                raise ValidationError(
                    message="ResourcesToSkip can name only resources in UPDATE_FAILED state "
                    f"because their rollback failed; not: {', '.join(wrong)}"
                )
        return original(self)

    setattr(CloudFormationResponse, "continue_update_rollback", continue_update_rollback)  # noqa: B010
