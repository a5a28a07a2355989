"""Change-set rules of CloudFormation that moto 5.2.5 does not keep.

Executing a change set deletes every other change set of the stack (they were computed
against the stack as it was); executing one that no longer exists answers
`ChangeSetNotFoundException`. Two deploys that race on one stack meet exactly this on AWS,
so the emulator must behave the same for appstack's refusal to be tested.

A stack takes its template's Description from the change set that ran, as DescribeStacks
shows it on AWS (moto leaves the stack of a CREATE change set without one); a rollback
reads the deployed phase there.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import CloudFormationError


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"

    def __init__(self, name: str) -> None:
        super().__init__(f"ChangeSet [{name}] does not exist")


def _find(backend: Any, name: str) -> Any | None:
    if name in backend.change_sets:  # an ARN
        return backend.change_sets[name]
    return next((c for c in backend.change_sets.values() if c.change_set_name == name), None)


def _execute_change_sets_as_aws_does() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find(self, change_set_name)
        if change_set is None:
            raise ChangeSetNotFound(change_set_name)
        others = [
            key
            for key, other in self.change_sets.items()
            if other.stack_id == change_set.stack_id and other is not change_set
        ]
        for key in others:
            del self.change_sets[key]
        original(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        stack.description = change_set.template_dict.get("Description")

    setattr(CloudFormationBackend, "execute_change_set", execute_change_set)  # noqa: B010


_execute_change_sets_as_aws_does()
