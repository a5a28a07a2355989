"""EM306: describing a change set that does not exist answers ChangeSetNotFoundException.

AWS answers DescribeChangeSet for a change set that is gone (deleted, or dropped when another
change set of the stack ran) with ChangeSetNotFoundException (code `ChangeSetNotFound` in the
model); moto 5.2.5 answers ValidationError "Stack with id <change set name> does not exist",
which reads as if the stack were gone.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


@rule(
    "EM306",
    "DescribeChangeSet of a change set that does not exist answers ChangeSetNotFound",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    from appstack.local.change_sets import ChangeSetNotFound

    original = CloudFormationBackend.describe_change_set

    def describe_change_set(self: Any, change_set_name: str) -> Any:
        known = change_set_name in self.change_sets or any(
            c.change_set_name == change_set_name for c in self.change_sets.values()
        )
        if not known:
            raise ChangeSetNotFound(change_set_name)
        return original(self, change_set_name)

    setattr(CloudFormationBackend, "describe_change_set", describe_change_set)  # noqa: B010
