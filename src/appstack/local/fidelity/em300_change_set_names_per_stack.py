"""EM300: a change set name is found within its stack.

A change set's name is unique within its stack, not the account: DescribeChangeSet,
ExecuteChangeSet and DeleteChangeSet take the name together with StackName (or the change
set's ARN alone). moto 5.2.5 and the rules built on it look a name up across every stack,
so two stacks with a change set of the same name answer for each other (one stack's change
set executed or deleted through another's call). Every request that names a change set and
its stack is answered for that stack's change set, by turning the name into its ARN.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html"
)


@rule("EM300", "A change set name is found within its stack", SOURCE)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    original = CloudFormationResponse._get_param

    def _get_param(self: Any, param_name: str, if_none: Any = None) -> Any:
        value = original(self, param_name, if_none)
        if param_name != "ChangeSetName" or not value or str(value).startswith("arn:"):
            return value
        stack_name = original(self, "StackName")
        if not stack_name:
            return value
        backend = self.cloudformation_backend
        stack = backend.stacks.get(stack_name) or next(
            (s for s in backend.stacks.values() if s.name == stack_name), None
        )
        if stack is None:
            return value
        return next(
            (
                arn
                for arn, c in backend.change_sets.items()
                if c.change_set_name == value and c.stack_id == stack.stack_id
            ),
            value,
        )

    setattr(CloudFormationResponse, "_get_param", _get_param)  # noqa: B010
