"""EM306: describing or deleting a change set that does not exist answers ChangeSetNotFound.

AWS answers DescribeChangeSet for a change set that is gone (deleted, or dropped when another
change set of the stack ran) with ChangeSetNotFoundException (code `ChangeSetNotFound` in the
model); moto 5.2.5 answers ValidationError "Stack with id <change set name> does not exist",
which reads as if the stack were gone, and answers DeleteChangeSet with an internal error (500).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, rule, stands_in_for
from appstack.local.fidelity.em2_shared import ChangeSetNotFound, find_change_set


@rule(
    "EM306",
    "Describing or deleting a change set that does not exist answers ChangeSetNotFound",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html",
)
@stands_in_for(
    "moto.cloudformation.models:CloudFormationBackend.describe_change_set",
    "moto.cloudformation.models:CloudFormationBackend.delete_change_set",
)
def found_first(original: Method, self: Any, change_set_name: str) -> Any:
    if find_change_set(self, change_set_name) is None:
        raise ChangeSetNotFound(change_set_name)
    return original(self, change_set_name)
