"""EM304: every stack event carries the ClientRequestToken of the operation that caused it.

"All events triggered by a given stack operation are assigned the same client request
token" (StackEvent.ClientRequestToken). moto 5.2.5 reads no token and records none, so a
follower cannot tell this operation's events from the stack's history. The token passed to
CreateStack, UpdateStack, ExecuteChangeSet or DeleteStack is recorded for the stack, and each
event made afterwards for that stack carries it (no token: none, as on AWS).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, in_place_of, rule
from appstack.local.fidelity.em2_shared import find_change_set, find_stack

#: The token of each stack's latest operation, by stack id.
TOKENS: dict[str, str | None] = {}

#: Response methods of the operations that take a ClientRequestToken and change a stack.
OPERATIONS = ("create_stack", "update_stack", "execute_change_set", "delete_stack")


def _stack_id(backend: Any, stack_name: str | None, change_set_name: str | None) -> str | None:
    """The id of the stack an operation names: by its name or id, or by its change set."""
    if change_set_name:
        change_set = find_change_set(backend, change_set_name)
        return str(change_set.stack_id) if change_set is not None else None
    stack = find_stack(backend, stack_name)
    return str(stack.stack_id) if stack is not None else None


@rule(
    "EM304",
    "Stack events carry the ClientRequestToken of the operation that caused them",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html",
)
def install() -> None:
    from moto.cloudformation.models import Event
    from moto.cloudformation.responses import CloudFormationResponse

    for operation in OPERATIONS:

        @in_place_of(CloudFormationResponse, operation)
        def recording(original: Method, self: Any, operation: str = operation) -> Any:
            backend = self.cloudformation_backend
            token = self._get_param("ClientRequestToken")
            change_set = self._get_param("ChangeSetName")
            stack_id = _stack_id(backend, self._get_param("StackName"), change_set)
            if stack_id:
                TOKENS[stack_id] = token
            result = original(self)
            if operation == "create_stack":  # the stack exists only now; its first events too
                created = _stack_id(backend, self._get_param("StackName"), None)
                if created:
                    TOKENS[created] = token
                    for event in backend.stacks[created].events:
                        event.client_request_token = token
            return result

    @in_place_of(Event, "__init__")
    def init(original: Method, self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.client_request_token = TOKENS.get(self.stack_id)
