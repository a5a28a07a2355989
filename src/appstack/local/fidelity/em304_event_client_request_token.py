"""EM304: every stack event carries the ClientRequestToken of the operation that caused it.

"All events triggered by a given stack operation are assigned the same client request
token" (StackEvent.ClientRequestToken). moto 5.2.5 reads no token and records none, so a
follower cannot tell this operation's events from the stack's history. The token passed to
CreateStack, UpdateStack, ExecuteChangeSet or DeleteStack is recorded for the stack, and each
event made afterwards for that stack carries it (no token: none, as on AWS).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

#: The token of each stack's latest operation, by stack id.
TOKENS: dict[str, str | None] = {}

#: Response methods of the operations that take a ClientRequestToken and change a stack.
OPERATIONS = ("create_stack", "update_stack", "execute_change_set", "delete_stack")


def _stack_id(backend: Any, name_or_id: str | None) -> str | None:
    if not name_or_id:
        return None
    if name_or_id in backend.stacks:
        return str(name_or_id)
    found = next((s for s in backend.stacks.values() if s.name == name_or_id), None)
    return str(found.stack_id) if found else None


def _change_set_stack_id(backend: Any, name_or_id: str | None) -> str | None:
    change_set = backend.change_sets.get(name_or_id) or next(
        (c for c in backend.change_sets.values() if c.change_set_name == name_or_id), None
    )
    return str(change_set.stack_id) if change_set is not None else None


@rule(
    "EM304",
    "Stack events carry the ClientRequestToken of the operation that caused them",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html",
)
def install() -> None:
    from moto.cloudformation.models import Event
    from moto.cloudformation.responses import CloudFormationResponse

    def recording(name: str) -> None:
        original = getattr(CloudFormationResponse, name)

        def operation(self: Any) -> Any:
            backend = self.cloudformation_backend
            token = self._get_param("ClientRequestToken")
            stack_id = _stack_id(backend, self._get_param("StackName"))
            if name == "execute_change_set":
                stack_id = _change_set_stack_id(backend, self._get_param("ChangeSetName"))
            if stack_id:
                TOKENS[stack_id] = token
            result = original(self)
            if name == "create_stack":  # the stack exists only now; its first events too
                created = _stack_id(backend, self._get_param("StackName"))
                if created:
                    TOKENS[created] = token
                    for event in backend.stacks[created].events:
                        event.client_request_token = token
            return result

        setattr(CloudFormationResponse, name, operation)

    for name in OPERATIONS:
        recording(name)

    original_init = Event.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.client_request_token = TOKENS.get(self.stack_id)

    setattr(Event, "__init__", init)  # noqa: B010
