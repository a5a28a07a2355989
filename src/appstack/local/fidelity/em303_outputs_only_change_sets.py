"""EM303: a change set that only changes Outputs is CREATE_COMPLETE with no Changes.

On AWS an update whose template differs only in its Outputs makes an executable change set
(Status CREATE_COMPLETE, ExecutionStatus AVAILABLE) that lists no resource change; only a
submission without any change ends FAILED with "The submitted information didn't contain
changes". Tools that read "no Changes" as "nothing to do" never deploy such outputs (seen in
jenkinsci/pipeline-aws-plugin#210). Whatever an earlier rule decided about empty change sets,
this one keeps the Outputs-only case executable, as AWS does.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


def _outputs_only(stack: Any, change_set: Any) -> bool:
    """The change set's template differs from the stack's in its Outputs and nowhere else."""
    old = dict(stack.template_dict or {})
    new = dict(change_set.template_dict or {})
    if old.get("Outputs") == new.get("Outputs"):
        return False
    old.pop("Outputs", None)
    new.pop("Outputs", None)
    return bool(old == new and stack.parameters == change_set.parameters)


@rule(
    "EM303",
    "A change set that changes only Outputs is CREATE_COMPLETE, executable, with no Changes",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.create_change_set

    def create_change_set(self: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
        change_set_id, stack_id = original(self, *args, **kwargs)
        change_set = self.change_sets.get(change_set_id)
        stack = self.stacks.get(stack_id)
        if (
            change_set is not None
            and stack is not None
            and change_set.change_set_type == "UPDATE"
            and _outputs_only(stack, change_set)
        ):
            # moto may list unchanged resources as Modify; AWS lists none here.
            change_set.changes = []
            change_set.status = "CREATE_COMPLETE"
            change_set.execution_status = "AVAILABLE"
            change_set.status_reason = None
        return change_set_id, stack_id

    setattr(CloudFormationBackend, "create_change_set", create_change_set)  # noqa: B010
