"""EM201: stack names AWS refuses are refused on CreateStack and CreateChangeSet.

"A stack name can contain only alphanumeric characters (case sensitive) and hyphens. It must
start with an alphabetical character and can't be longer than 128 characters." moto accepts any
name (`1stack`, `my_stack`, 129 characters). AWS answers ValidationError in its input-validation
form ("1 validation error detected: Value '...' at 'stackName' failed to satisfy constraint:
..."); CreateChangeSet also takes a stack's ARN.
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudformation.exceptions import ValidationError

from appstack.local.fidelity import Method, in_place_of, rule

PATTERN = "[a-zA-Z][-a-zA-Z0-9]*"
ARN_PATTERN = r"arn:\b(aws|aws-us-gov|aws-cn)\b:[-a-zA-Z0-9:/._+]*"
MAX_LENGTH = 128


def check(name: str | None, arn_allowed: bool) -> None:
    """Raise AWS's ValidationError unless `name` is a stack name AWS accepts."""
    value = name or ""
    if arn_allowed and re.fullmatch(ARN_PATTERN, value):
        return
    prefix = (
        f"1 validation error detected: Value '{value}' at 'stackName' "
        "failed to satisfy constraint: "
    )
    if not re.fullmatch(PATTERN, value):
        raise ValidationError(
            message=prefix + f"Member must satisfy regular expression pattern: {PATTERN}"
        )
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            message=prefix + f"Member must have length less than or equal to {MAX_LENGTH}"
        )


@rule(
    "EM201",
    "Stack names: a letter, then letters, digits and hyphens; at most 128 characters",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html",
)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationResponse, "create_stack")
    def create_stack(original: Method, self: Any) -> Any:
        check(self._get_param("StackName"), arn_allowed=False)
        return original(self)

    @in_place_of(CloudFormationResponse, "create_change_set")
    def create_change_set(original: Method, self: Any) -> Any:
        creating = self._get_param("ChangeSetType", "CREATE") == "CREATE"
        check(self._get_param("StackName"), arn_allowed=not creating)
        return original(self)
