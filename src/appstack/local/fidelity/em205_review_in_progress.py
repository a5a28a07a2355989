"""EM205: a CREATE change set makes one REVIEW_IN_PROGRESS stack, until it runs or is deleted.

On AWS a CREATE change set for a new name creates the stack in REVIEW_IN_PROGRESS; further
CREATE change sets join that same stack; an UPDATE change set for it is refused ("is in
REVIEW_IN_PROGRESS state and can not be updated"), and so is a CREATE change set for a stack
that exists in any other state ("Stack [NAME] already exists and cannot be created again with
the changeSet [NAME]."). DeleteStack removes the stack and its change sets; ListChangeSets
lists the change sets of one stack. moto 5.2.5 makes a new stack of the same name for every
CREATE change set, keeps a deleted stack's change sets and lists every stack's.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import cannot_be_updated, find_stack

REVIEW = "REVIEW_IN_PROGRESS"


def _join(backend: Any, stack: Any, change_set_name: str, kw: dict[str, Any]) -> tuple[str, str]:
    """A CREATE change set for `stack`, which is under review already."""
    from moto.cloudformation.models import ChangeSet
    from moto.cloudformation.utils import generate_changeset_id, validate_create_change_set

    validate_create_change_set(change_set_name)
    change_set_id = generate_changeset_id(change_set_name, backend.region_name, backend.account_id)
    change_set = ChangeSet(
        change_set_type="CREATE",
        change_set_id=change_set_id,
        change_set_name=change_set_name,
        stack=stack,
        template=kw["template"],
        parameters=kw["parameters"],
        description=kw.get("description"),  # type: ignore[arg-type]
        notification_arns=kw.get("notification_arns"),
        tags=kw.get("tags"),
        role_arn=kw.get("role_arn"),
    )
    change_set.status = "CREATE_COMPLETE"
    change_set.execution_status = "AVAILABLE"
    backend.change_sets[change_set_id] = change_set
    return change_set_id, str(stack.stack_id)


@rule(
    "EM205",
    "A CREATE change set leaves one REVIEW_IN_PROGRESS stack until it runs or the stack is deleted",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationBackend, "create_change_set")
    def create_change_set(original: Method, self: Any, **kw: Any) -> tuple[str, str]:
        stack = find_stack(self, kw["stack_name"])
        if stack is not None and kw["change_set_type"] == "CREATE":
            if stack.status != REVIEW:
                raise ValidationError(
                    message=f"Stack [{stack.name}] already exists and cannot be created "
                    f"again with the changeSet [{kw['change_set_name']}]."
                )
            return _join(self, stack, kw["change_set_name"], kw)
        if stack is not None and stack.status == REVIEW:
            raise cannot_be_updated(stack)
        answer: tuple[str, str] = original(self, **kw)
        return answer

    @in_place_of(CloudFormationBackend, "delete_stack")
    def delete_stack_and_its_change_sets(
        original: Method, self: Any, name_or_stack_id: str
    ) -> None:
        stack = find_stack(self, name_or_stack_id)
        original(self, name_or_stack_id)
        if stack is not None and find_stack(self, stack.stack_id) is None:
            for key in [k for k, c in self.change_sets.items() if c.stack_id == stack.stack_id]:
                del self.change_sets[key]

    @in_place_of(CloudFormationResponse, "list_change_sets")
    def list_change_sets(_: Method, self: Any) -> ActionResult:
        """The change sets of StackName (moto lists every stack's)."""
        stack = find_stack(self.cloudformation_backend, self._get_param("StackName"))
        summaries = [
            c
            for c in self.cloudformation_backend.list_change_sets()
            if stack is not None and c.stack_id == stack.stack_id
        ]
        return ActionResult({"Summaries": summaries})
