"""EM301: DescribeChangeSet answers at most 100 changes a page, with a NextToken for the rest.

moto 5.2.5 answers every change in one page and never a NextToken, so a reader that takes
only the first page passes on the emulator and undercounts on AWS (a phase-4 create has more
than 100 changes). botocore models the operation as paged (its `describe_change_set`
paginator: input and output token `NextToken`, result key `Changes`).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult

from appstack.local.fidelity import Method, rule, stands_in_for

#: Changes per page: the number AWS answers, as other tools observed it and test against.
PAGE_SIZE = 100


class _Page:
    """One page of a change set: its changes cut to the page, everything else as it is."""

    def __init__(self, change_set: Any, changes: list[Any], next_token: str | None) -> None:
        self._change_set = change_set
        self.changes = changes
        self.next_token = next_token

    def __getattr__(self, name: str) -> Any:
        return getattr(self._change_set, name)


@rule(
    "EM301",
    "DescribeChangeSet pages its changes, 100 at a time, with NextToken",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html",
)
@stands_in_for("moto.cloudformation.responses:CloudFormationResponse.describe_change_set")
def describe_change_set(_: Method, self: Any) -> ActionResult:
    change_set = self.cloudformation_backend.describe_change_set(
        change_set_name=self._get_param("ChangeSetName")
    )
    token = self._get_param("NextToken")
    start = 0
    if token:
        if not token.isdigit() or int(token) > len(change_set.changes):
            raise ValidationError(message=f"Invalid NextToken: {token}")
        start = int(token)
    end = start + PAGE_SIZE
    following = str(end) if end < len(change_set.changes) else None
    return ActionResult(_Page(change_set, change_set.changes[start:end], following))
