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

from appstack.local.fidelity import Method, rule, stands_in_for
from appstack.local.fidelity.em2_shared import find_change_set, find_stack

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html"
)


@rule("EM300", "A change set name is found within its stack", SOURCE)
@stands_in_for("moto.cloudformation.responses:CloudFormationResponse._get_param")
def get_param(original: Method, self: Any, param_name: str, if_none: Any = None) -> Any:
    value = original(self, param_name, if_none)
    if param_name != "ChangeSetName" or not value or str(value).startswith("arn:"):
        return value
    backend = self.cloudformation_backend
    stack = find_stack(backend, original(self, "StackName"))
    if stack is None:
        return value
    change_set = find_change_set(backend, value, stack.stack_id)
    return value if change_set is None else change_set.change_set_id
