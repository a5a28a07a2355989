"""When a production stack gets termination protection: as soon as its creation starts (it
can be set in any status but DELETE_IN_PROGRESS and DELETE_COMPLETE,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html),
and lifted again if the creation fails, since such a stack can only be deleted.

What appstack asks CloudFormation is recorded; the emulator does not implement
UpdateTerminationProtection yet, which these tests do not need.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from deploy.deploying import BROKEN, deploy

REGION = "us-east-2"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Each CloudFormation operation appstack calls, with EnableTerminationProtection."""
    made: list[tuple[str, Any]] = []
    original = Connection.client

    def client(self: Connection, service: str) -> Any:
        made_client = original(self, service)

        def record(model: Any, params: dict[str, Any], **_: Any) -> None:
            made.append((model.name, params.get("EnableTerminationProtection")))

        made_client.meta.events.register(
            "before-parameter-build.cloudformation.*", record, unique_id="asked"
        )
        return made_client

    monkeypatch.setattr(Connection, "client", client)
    yield made


def create(conn: Connection, name: str, template: dict[str, Any]) -> stacks.Outcome:
    return deploy(conn, name, template, production=True)


def test_a_production_stack_is_protected_from_termination_as_soon_as_its_creation_starts(
    conn: Connection, asked: list[tuple[str, Any]]
) -> None:
    create(conn, "tp-early", {"Resources": {"T": {"Type": "AWS::SNS::Topic"}}})
    names = [name for name, _ in asked]
    executed = names.index("ExecuteChangeSet")
    assert names[executed + 1] == "UpdateTerminationProtection"
    assert asked[executed + 1][1] is True


def test_a_failed_production_creation_has_its_termination_protection_lifted(
    conn: Connection, asked: list[tuple[str, Any]]
) -> None:
    broken = BROKEN
    outcome = create(conn, "tp-failed", broken)
    assert outcome.status == "ROLLBACK_COMPLETE"
    protection = [flag for name, flag in asked if name == "UpdateTerminationProtection"]
    assert protection[-1] is False
