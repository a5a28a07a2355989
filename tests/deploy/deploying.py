"""Deploying on the emulator as the engine does, for the engine's tests: one connection per
Region, and one plan-then-apply."""

from __future__ import annotations

from typing import Any

from appstack.deploy import stacks
from appstack.deploy.session import Connection
from appstack.local import transforms

#: A table kept on delete and replace, beside a topic: a stack whose destroy keeps data.
RETAINED_TABLE: dict[str, Any] = {
    "Resources": {
        "Data": {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic"},
    }
}

#: A stack whose creation fails: a GetAtt of an attribute SNS topics do not have.
BROKEN: dict[str, Any] = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Broken": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": {"Fn::GetAtt": ["Topic", "NoSuchAttribute"]}},
        },
    }
}


def on_emulator(endpoint: str, region: str = "us-east-1") -> Connection:
    """The emulator at `endpoint`, in `region` (the credentials of the test session)."""
    return Connection(region, endpoint=endpoint)


def deploy(
    conn: Connection,
    name: str,
    template: dict[str, Any],
    production: bool = False,
    **plan: Any,
) -> stacks.Outcome:
    """Plan `template` as stack `name` and apply it: a change the engine would refuse is a
    DeployError (its change set discarded), an empty change set is NO_CHANGES."""
    template, _ = transforms.for_emulator(template)
    change_set, risks = stacks.plan(conn, name, stacks.current(conn, name), template, **plan)
    if risks:
        stacks.discard(conn, change_set)
        raise stacks.DeployError("; ".join(risks))
    if change_set.empty:
        return stacks.Outcome(name, "NO_CHANGES", change_set)
    return stacks.apply(conn, change_set, template, production=production)
