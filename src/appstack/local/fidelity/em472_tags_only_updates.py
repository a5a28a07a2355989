"""EM472: UpdateStack with new Tags alone is an update; one that changes nothing is refused.

UpdateStack's `Tags` are the stack's new tags, which CloudFormation "also propagates ... to
supported resources in the stack"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html):
with the same template and parameters, new tags are still a change, and the stack updates
(EM471 retags its resources). When nothing differs (template, parameters and tags) AWS
answers ValidationError "No updates are to be performed." moto 5.2.5 refuses the first when
Parameters are given (it compares template and parameters only) and, when none are given,
accepts the second, running an update that changes nothing.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError

from appstack.local.fidelity import Method, in_place_of, rule

SOURCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html"


def _given_tags(response: Any) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in response._get_param("Tags", []) or []}


@rule(
    "EM472",
    'UpdateStack with new Tags alone updates; one that changes nothing is refused ("No updates '
    'are to be performed.")',
    SOURCE,
)
def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    @in_place_of(CloudFormationResponse, "_validate_different_update")
    def _validate_different_update(
        original: Method, self: Any, incoming: Any, stack_body: Any, old_stack: Any
    ) -> None:
        if self._get_action() != "UpdateStack":
            original(self, incoming, stack_body, old_stack)
            return
        tags = _given_tags(self)
        if tags and tags != (old_stack.tags or {}):
            return  # new tags: an update, whatever the template and parameters
        if not incoming and not old_stack.parameters and stack_body == old_stack.template:
            raise ValidationError(old_stack.name, message="No updates are to be performed.")
        original(self, incoming, stack_body, old_stack)
