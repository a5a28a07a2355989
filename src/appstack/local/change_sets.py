"""What executing a change set does to its stack on AWS, and moto 5.2.5 does not.

Executing a change set deletes every other change set of the stack (they were computed
against the stack as it was), so two deploys that race on one stack meet
`ChangeSetNotFoundException` on AWS, and the emulator must behave the same for appstack's
refusal to be tested. A stack takes its template's Description from the change set that ran,
as DescribeStacks shows it on AWS (moto leaves the stack of a CREATE change set without
one); a rollback reads the deployed phase there.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html

moto's `execute_change_set` is patched once, by rule EM206 (which also refuses a change set
that is not AVAILABLE); it runs the change set through `execute_as_aws_does`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def execute_as_aws_does(backend: Any, change_set: Any, execute: Callable[[], None]) -> None:
    """Run `change_set` of `backend` through `execute` (moto's own execution): the other
    change sets of its stack go first, and the stack takes the template's Description."""
    others = [
        key
        for key, other in backend.change_sets.items()
        if other.stack_id == change_set.stack_id and other is not change_set
    ]
    for key in others:
        del backend.change_sets[key]
    execute()
    stack = backend.stacks[change_set.stack_id]
    stack.description = change_set.template_dict.get("Description")
