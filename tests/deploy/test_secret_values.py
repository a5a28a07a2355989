"""deploy/secret_values.py on the emulator: which of a stack's secrets are the application's,
and what `put` refuses before it changes anything. Setting a value end to end (the service
rolled, the task definition naming it): tests/cli/commands/test_secret.py."""

from __future__ import annotations

from typing import Any

import pytest

from appstack.deploy import secret_values, stacks
from appstack.deploy.session import Connection
from emulator._lifecycle import deploy, unique

REGION = "il-central-1"


@pytest.fixture(scope="module")
def conn(emulator_endpoint: str) -> Connection:
    return Connection(REGION, endpoint=emulator_endpoint)


@pytest.fixture(scope="module")
def stack(conn: Connection) -> str:
    name = unique("values")
    secret: dict[str, Any] = {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {"GenerateSecretString": {"PasswordLength": 32}},
    }
    deploy(
        conn.client("cloudformation"),
        name,
        {"Resources": {"NamedSecretAPIxTOKEN": secret, "AppSecret": secret}},
    )
    return name


def test_only_the_secrets_of_secrets_are_the_applications(conn: Connection, stack: str) -> None:
    found = secret_values.deployed(conn.client("cloudformation"), stack)
    assert list(found) == ["API_TOKEN"]
    [listed] = secret_values.listing(conn, stack)
    assert listed.name == "API_TOKEN" and listed.arn == found["API_TOKEN"]
    assert listed.has_value is False  # only the generated placeholder so far


def test_a_secret_the_stack_does_not_hold_is_refused_with_the_way_forward(
    conn: Connection, stack: str
) -> None:
    with pytest.raises(stacks.DeployError, match="deploy it first"):
        secret_values.put(conn, stack, "dev", "OTHER", "value")


def test_an_empty_value_is_refused_and_nothing_changes(conn: Connection, stack: str) -> None:
    with pytest.raises(stacks.DeployError, match="empty"):
        secret_values.put(conn, stack, "dev", "API_TOKEN", "")
    [listed] = secret_values.listing(conn, stack)
    assert listed.has_value is False


def test_a_stack_without_a_service_gets_the_value_and_says_nothing_was_rolled(
    conn: Connection, stack: str
) -> None:
    """(Last: it sets the value.) The value is stored; only the rolling has nowhere to go."""
    with pytest.raises(stacks.DeployError, match="names no service to roll") as said:
        secret_values.put(conn, stack, "dev", "API_TOKEN", "a-value")
    assert "a-value" not in str(said.value)
    [listed] = secret_values.listing(conn, stack)
    assert listed.has_value is True
