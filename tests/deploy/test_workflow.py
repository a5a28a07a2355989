"""The deploy workflow below the CLI: one template per deploy, handed down; what a person
sees and answers goes through the interaction the caller passes in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from appstack import blueprint, config, local
from appstack.deploy import stacks, workflow
from appstack.deploy.session import Connection
from cli_runner import run
from conftest import remove_stack, synth
from deploy.recording import Recording

REGION = "eu-south-1"  # VPCs of its own: preflight counts the Region's VPCs


@pytest.fixture(scope="module")
def conn(emulator_endpoint: str) -> Connection:
    return local.connect(REGION, emulator_endpoint)


@pytest.fixture
def stack(tmp_path: Path, conn: Connection) -> Iterator[str]:
    name = f"wf{tmp_path.name[-6:].replace('_', '')}-dev"
    yield name
    remove_stack(conn.client("cloudformation"), name)


def request(stack: str, **kw: Any) -> workflow.Request:
    target = config.resolve(config.in_region(config.parse({}), REGION), "dev", 1)
    return workflow.Request(stack, target, synth({"region": REGION}), validate=False, **kw)


def test_a_deploy_builds_its_template_once_and_checks_the_one_it_deploys(
    tmp_path: Path,
    emulator_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from appstack.checks import validate

    built: list[dict[str, Any]] = []
    checked: list[dict[str, Any]] = []
    build = blueprint.build

    def counting_build(target: config.Target) -> Any:
        template = build(target)
        built.append(blueprint.to_dict(template))
        return template

    def recording_validate(target: config.Target, *rest: Any) -> validate.Report:
        checked.append(rest[0])
        return validate.Report(target)  # the checks themselves are validate's own tests

    monkeypatch.setattr(blueprint, "build", counting_build)
    monkeypatch.setattr(validate, "validate", recording_validate)
    path = tmp_path / "appstack.yaml"
    path.write_text(f"application_name: once\nregion: {REGION}\n")
    name = f"once{tmp_path.name[-6:].replace('_', '')}-dev"
    try:
        code, out, err = run(["plan", name, "dev", "-c", str(path)], capsys)
        assert code == 0, out + err
        assert len(built) == 1
        built.clear()
        code, out, err = run(["deploy", name, "dev", "--yes", "-c", str(path)], capsys)
        assert code == 0, out + err
        assert len(built) == 1 and checked == built
    finally:
        remove_stack(local.connect(REGION, emulator_endpoint).client("cloudformation"), name)


def test_a_declined_change_leaves_no_stack_behind(conn: Connection, stack: str) -> None:
    person = Recording(answer=False)
    with pytest.raises(workflow.Declined, match="nothing was changed"):
        workflow.run(conn, request(stack), person)
    assert person.asked == [f"Deploy these changes to {stack}?"]
    assert stacks.current(conn, stack) is None


def test_a_change_is_shown_before_it_is_confirmed_and_then_applied(
    conn: Connection, stack: str
) -> None:
    person = Recording(answer=True)
    result = workflow.run(conn, request(stack), person)
    assert result.ok and result.status == "CREATE_COMPLETE" and "TableName" in result.outputs
    [shown] = person.shown
    assert shown.creating and person.asked
    again = workflow.run(conn, request(stack), Recording(answer=False))
    assert not again.changed and again.status == "CREATE_COMPLETE"  # nothing to ask


def test_without_anyone_to_ask_a_deploy_needs_yes(conn: Connection, stack: str) -> None:
    class NoOneThere(Recording):
        def can_ask(self) -> bool:
            return False

    with pytest.raises(stacks.DeployError, match="pass --yes"):
        workflow.run(conn, request(stack), NoOneThere())
    assert stacks.current(conn, stack) is None


def test_a_failed_removal_of_a_protected_database_puts_its_deletion_protection_back(
    conn: Connection, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prod at phase 2, then down to 1: the cluster's protection is lifted for its removal;
    the removal fails (rolled back), so the cluster is protected again."""
    app = config.in_region(config.parse({}), REGION)

    def prod(phase: int, **kw: Any) -> workflow.Request:
        target = config.resolve(app, "prod", phase)
        template = synth({"region": REGION}, env="prod", phase=phase)
        return workflow.Request(stack, target, template, yes=True, validate=False, **kw)

    assert workflow.run(conn, prod(2), Recording()).ok
    cfn = conn.client("cloudformation")

    def protected() -> bool:
        cluster = stacks.template_of(cfn, stack)["Resources"]["DatabaseCluster"]
        return bool(cluster["Properties"]["DeletionProtection"])

    def failed_removal(*args: Any, **_: Any) -> stacks.Outcome:
        assert not protected()  # lifted for the removal
        return stacks.Outcome(stack, "UPDATE_ROLLBACK_COMPLETE")

    monkeypatch.setattr(stacks, "apply", failed_removal)
    person = Recording()
    result = workflow.run(conn, prod(1, going_down=True), person)
    assert not result.ok and result.lifted == {"DatabaseCluster"}
    assert protected()
    assert f"{stack}: deletion protection back on DatabaseCluster" in person.said


def test_a_template_checked_before_is_said_to_be_so_in_one_line(
    conn: Connection, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appstack.checks import validate, validation_cache

    versions = validation_cache.Checkers("1.0", "3.0", "0.1.0+abc")

    def cached(target: config.Target, *rest: Any) -> validate.Report:
        return validate.Report(target, [], cached=True, checkers=versions)

    monkeypatch.setattr(validate, "validate", cached)
    person = Recording(answer=True)
    checked = workflow.Request(stack, request(stack).target, request(stack).template, yes=True)
    workflow.run(conn, checked, person)
    [line] = [s for s in person.said if "not checked again" in s]
    assert "cfn-lint 1.0, checkov 3.0" in line and "\n" not in line


def cloudformation_calls(conn: Connection) -> Iterator[list[str]]:
    """The CloudFormation operations `conn` calls while the context is open, in order."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        made.append(model.name)

    events = conn.client("cloudformation").meta.events
    events.register("before-call.cloudformation", record, unique_id="calls-seen")
    try:
        yield made
    finally:
        events.unregister("before-call.cloudformation", unique_id="calls-seen")


def test_an_unchanged_deploy_reads_its_template_once_and_makes_no_change_set(
    conn: Connection, stack: str
) -> None:
    assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    with contextmanager(cloudformation_calls)(conn) as made:
        again = workflow.run(conn, request(stack, yes=True), Recording())
    assert not again.changed and again.status == "CREATE_COMPLETE"
    assert made.count("GetTemplate") == 1
    assert not {"CreateChangeSet", "DescribeChangeSet", "DeleteChangeSet"} & set(made)
    assert "GetStackPolicy" in made  # the repair still reads the protection it judges


def test_an_update_reads_the_deployed_template_once(conn: Connection, stack: str) -> None:
    assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    target = config.resolve(
        config.in_region(config.parse({"environments": {"dev": {"cpu_target": 71}}}), REGION),
        "dev",
        1,
    )
    changed = workflow.Request(
        stack, target, synth({"region": REGION, "environments": {"dev": {"cpu_target": 71}}}),
        validate=False, yes=True,
    )  # fmt: skip
    with contextmanager(cloudformation_calls)(conn) as made:
        result = workflow.run(conn, changed, Recording())
    assert result.ok and result.changed
    assert made.count("GetTemplate") == 1 and "ExecuteChangeSet" in made
    # Read before the change (to repair, and to restore on failure); after it, the policy
    # is the one this deploy set.
    assert made.count("GetStackPolicy") == 2


def test_a_created_stack_gets_its_policy_without_reading_the_none_it_has(
    conn: Connection, stack: str
) -> None:
    from appstack.deploy import protection

    with contextmanager(cloudformation_calls)(conn) as made:
        assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    assert "GetStackPolicy" not in made and made.count("SetStackPolicy") == 1
    policy = conn.client("cloudformation").get_stack_policy(StackName=stack)["StackPolicyBody"]
    deployed = stacks.template_of(conn.client("cloudformation"), stack)
    assert policy == protection.stack_policy(deployed) and "Deny" in policy


def before_the_change_set(made: list[str]) -> list[str]:
    return made[: made.index("CreateChangeSet")]


def test_a_create_describes_its_stack_once_before_the_change_set(
    conn: Connection, stack: str
) -> None:
    """Settle's DescribeStacks serves preflight and the plan too; a stack that does not exist
    has no resources to list."""
    with contextmanager(cloudformation_calls)(conn) as made:
        assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    assert before_the_change_set(made) == ["DescribeStacks"]


def test_an_update_describes_its_stack_once_before_the_change_set(
    conn: Connection, stack: str
) -> None:
    assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    cfg = {"region": REGION, "environments": {"dev": {"cpu_target": 72}}}
    target = config.resolve(config.in_region(config.parse(cfg), REGION), "dev", 1)
    changed = workflow.Request(stack, target, synth(cfg), validate=False, yes=True)
    with contextmanager(cloudformation_calls)(conn) as made:
        assert workflow.run(conn, changed, Recording()).changed
    assert before_the_change_set(made).count("DescribeStacks") == 1


def test_a_stack_whose_protection_was_repaired_is_described_again_for_the_checks(
    conn: Connection, stack: str
) -> None:
    from appstack.deploy import protection

    assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    conn.client("cloudformation").set_stack_policy(
        StackName=stack, StackPolicyBody=protection.ALLOW_ALL
    )
    with contextmanager(cloudformation_calls)(conn) as made:
        assert not workflow.run(conn, request(stack, yes=True), Recording()).changed
    assert "DescribeStacks" in made[made.index("SetStackPolicy") :]


def test_a_first_deploy_makes_its_change_set_while_preflight_asks_the_account(
    conn: Connection, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from appstack.checks import preflight

    planned = threading.Event()

    def asking(*_: Any) -> list[Any]:
        assert planned.wait(timeout=5), "the change set waited for preflight"
        return []

    monkeypatch.setattr(preflight, "ask_about", asking)
    events = conn.client("cloudformation").meta.events
    events.register("after-call.cloudformation.CreateChangeSet", lambda **_: planned.set(), "p")
    try:
        assert workflow.run(conn, request(stack, yes=True), Recording()).ok
    finally:
        events.unregister("after-call.cloudformation.CreateChangeSet", unique_id="p")


def test_a_first_deploy_that_preflight_refuses_leaves_no_stack_behind(
    conn: Connection, stack: str
) -> None:
    elsewhere = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"  # PF004: another Region
    cfg = {"region": REGION, "environments": {"dev": {"certificate_arn": elsewhere}}}
    target = config.resolve(config.in_region(config.parse(cfg), REGION), "dev", 1)
    person = Recording()
    refused = workflow.Request(stack, target, synth(cfg), validate=False, yes=True)
    with pytest.raises(stacks.DeployError, match="nothing was changed"):
        workflow.run(conn, refused, person)
    assert [f.rule for f in person.found if f.severity == "error"] == ["PF004"]
    assert stacks.current(conn, stack) is None  # no stack under review either
