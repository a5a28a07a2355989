"""The stack policy around an execution (issue 17 point 5): read first, lifted for exactly the
ids --allow-data-loss let through, and restored when the execution is refused, fails or rolls
back. CloudFormation takes no temporary policy on ExecuteChangeSet, so appstack sets and
restores it itself: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SetStackPolicy.html

A recording stand-in for the CloudFormation client: the emulator does not enforce policies
yet, and what matters here is the order and content of appstack's own calls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from appstack.deploy import changesets, stacks
from appstack.deploy.protection import ALLOW_ALL, stack_policy
from conftest import synth

PREVIOUS = '{"Statement":[{"Effect":"Deny","Action":"Update:*","Principal":"*","Resource":"*"}]}'


class Recorder:
    def __init__(self, final: str = "UPDATE_COMPLETE", refuse: bool = False) -> None:
        self.final, self.refuse = final, refuse
        self.policies: list[str] = []
        self.executed = False
        #: The policy the stack had before the operation (None: it had none).
        self.initial: str | None = PREVIOUS

    def client(self, service: str) -> Recorder:
        return self

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        return {"Stacks": [{"StackName": StackName, "StackStatus": "UPDATE_COMPLETE"}]}

    def describe_change_set(self, StackName: str, ChangeSetName: str) -> dict[str, Any]:
        return {"Status": "CREATE_COMPLETE", "ExecutionStatus": "AVAILABLE"}

    def get_template(self, StackName: str) -> dict[str, Any]:
        # What is deployed once the operation rolled back: a stack whose policy is PREVIOUS.
        return {"TemplateBody": {"Resources": {}}}

    def get_stack_policy(self, StackName: str) -> dict[str, Any]:
        current = self.policies[-1] if self.policies else self.initial
        return {"StackPolicyBody": current} if current else {}

    def set_stack_policy(self, StackName: str, StackPolicyBody: str) -> None:
        self.policies.append(StackPolicyBody)

    def execute_change_set(self, **kwargs: Any) -> None:
        if self.refuse:
            raise ClientError(
                {"Error": {"Code": "InvalidChangeSetStatus", "Message": "busy"}},
                "ExecuteChangeSet",
            )
        self.executed = True


@pytest.fixture
def template() -> dict[str, Any]:
    return synth(env="dev", phase=1)


def run(
    monkeypatch: pytest.MonkeyPatch, cfn: Recorder, template: dict[str, Any], lifted: list[str]
) -> stacks.Outcome:
    monkeypatch.setattr(
        stacks, "follow", lambda *a, **k: ({"StackName": "s", "StackStatus": cfn.final}, [])
    )
    change_set = changesets.ChangeSet("s", "cs", creating=False, lifted=lifted)
    return stacks.apply(cfn, change_set, template, production=False)  # type: ignore[arg-type]


def denied(policy: str) -> set[str]:
    return {
        r.removeprefix("LogicalResourceId/")
        for s in json.loads(policy)["Statement"]
        if s["Effect"] == "Deny"
        for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    }


def test_a_lift_covers_exactly_the_allowed_ids_and_ends_with_the_operation(
    monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]
) -> None:
    cfn = Recorder()
    assert run(monkeypatch, cfn, template, ["Table"]).ok
    during, after = cfn.policies
    assert denied(during) == denied(stack_policy(template)) - {"Table"}
    assert after == stack_policy(template)  # the table is protected again


def test_a_rolled_back_update_gets_its_previous_policy_back(
    monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]
) -> None:
    cfn = Recorder(final="UPDATE_ROLLBACK_COMPLETE")
    assert not run(monkeypatch, cfn, template, ["Table"]).ok
    assert cfn.policies[-1] == PREVIOUS


def test_a_refused_execution_gets_its_previous_policy_back(
    monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]
) -> None:
    cfn = Recorder(refuse=True)
    with pytest.raises(stacks.DeployError):
        run(monkeypatch, cfn, template, ["Table"])
    assert not cfn.executed and cfn.policies[-1] == PREVIOUS


def test_a_stack_without_a_policy_gets_one_that_allows_what_none_did(
    monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]
) -> None:
    cfn = Recorder(final="UPDATE_ROLLBACK_COMPLETE")
    cfn.initial = None
    run(monkeypatch, cfn, template, [])
    assert cfn.policies[-1] == ALLOW_ALL


def test_switching_deletion_protection_off_removes_termination_protection(
    monkeypatch: pytest.MonkeyPatch, template: dict[str, Any]
) -> None:
    """`deletion_protection: false` does what the README says: the stack no longer refuses
    `destroy`. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
    """
    calls: list[bool] = []
    cfn = Recorder()
    cfn.update_termination_protection = (  # type: ignore[attr-defined]
        lambda StackName, EnableTerminationProtection: calls.append(EnableTerminationProtection)
    )
    monkeypatch.setattr(
        stacks,
        "follow",
        lambda *a, **k: (
            {
                "StackName": "s",
                "StackStatus": "UPDATE_COMPLETE",
                "EnableTerminationProtection": True,
            },
            [],
        ),
    )
    change_set = changesets.ChangeSet("s", "cs", creating=False)
    stacks.apply(cfn, change_set, template, production=False)  # type: ignore[arg-type]
    assert calls == [False]
    calls.clear()
    stacks.apply(cfn, change_set, template, production=True)  # type: ignore[arg-type]
    assert calls == []  # already protected: nothing to change
