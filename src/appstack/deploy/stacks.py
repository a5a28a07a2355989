"""Stacks: state checks, deploy, destroy, outputs."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from appstack.checks.preflight import BLOCKING_STATES, busy, describe_stack
from appstack.data.stateful import KEEPS_DATA
from appstack.deploy import (
    background,
    changesets,
    classify,
    events,
    kept_names,
    protection,
    removals,
    repair,
    service_watch,
    template_bucket,
)
from appstack.deploy.session import Connection
from appstack.deploy.waiting import TimedOut, poll
from appstack.errors import AppstackError, UsageError


class DeployError(AppstackError):
    """A deploy or destroy that failed or was refused; the message says the way forward."""

    exit_code = 1


class StackNotFound(UsageError):
    """A command named a stack that does not exist (where it looked). Every command that
    needs a deployed stack answers it with this one line and exit code 2."""

    def __init__(self, stack_name: str, region: str) -> None:
        self.stack_name = stack_name
        super().__init__(
            f"stack {stack_name} does not exist in {region} (it is not deployed there): "
            "check the stack name, and --region"
        )


def require(cfn: Any, stack_name: str) -> dict[str, Any]:
    """The stack as it is now; `StackNotFound` if it does not exist."""
    found = describe(cfn, stack_name)
    if found is None:
        raise StackNotFound(stack_name, cfn.meta.region_name)
    return found


@dataclass
class Outcome:
    stack_name: str
    status: str
    change_set: changesets.ChangeSet | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    failure: events.Event | None = None
    retained: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: What the account shows after the change, against what was said before it.
    checked: list[str] = field(default_factory=list)
    #: What a failed deletion left in the stack, with the reason of each.
    left: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.status.endswith(("FAILED", "ROLLBACK_COMPLETE"))


#: Errors of ExecuteChangeSet when another operation came first: executing a change set
#: deletes the stack's other change sets, and none runs while the stack is busy.
OVERTAKEN = frozenset({"ChangeSetNotFoundException", "ChangeSetNotFound", "InvalidChangeSetStatus"})


def _dropped(name: str) -> DeployError:
    """The refusal of a change set that another operation overtook (an OVERTAKEN error)."""
    return DeployError(
        f"another deploy changed stack {name} while this one waited, and CloudFormation "
        f"dropped this change set (it was made for the stack as it was). See what "
        f"runs: appstack status {name}; then deploy again"
    )


#: The stack as DescribeStacks answers it; None if it does not exist: the one reading,
#: shared with preflight (which asks it before anything else).
describe = describe_stack


def current(conn: Connection, stack_name: str) -> dict[str, Any] | None:
    """The stack as it is now; None if it is not deployed."""
    return describe(conn.client("cloudformation"), stack_name)


#: Stacks deployed before the phase was recorded in the template's Metadata say it only in
#: their description ("appstack 0.4.0: myapp (dev), phase 2: ...").
_PHASE_IN_DESCRIPTION = re.compile(r"^appstack \S+: .*, phase (\d+): ")


def recorded_phase(template: dict[str, Any]) -> int | None:
    """The phase a template of appstack's records in its Metadata (`appstack.phase`); None
    for a template that records none.

    Metadata, not a stack tag: CloudFormation propagates stack-level tags to the stack's
    resources (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html),
    so a tag that changes with the phase would update every resource that takes tags."""
    recorded = template.get("Metadata", {})
    mine = recorded.get("appstack") if isinstance(recorded, dict) else None
    phase = mine.get("phase") if isinstance(mine, dict) else None
    return phase if isinstance(phase, int) and not isinstance(phase, bool) else None


def deployed_phase(
    cfn: Any, stack: dict[str, Any] | None, template: dict[str, Any] | None = None
) -> int | None:
    """The phase `stack` (as `describe` found it) is deployed at: from the deployed template's
    Metadata (`template` if the caller read it already), or for a stack deployed before that
    was recorded, from its description. None if not deployed, or not appstack's."""
    if not holds_template(stack):
        return None
    assert stack is not None
    try:
        deployed = template if template is not None else template_of(cfn, stack["StackName"])
        phase = recorded_phase(deployed)
    except (ClientError, ValueError):
        phase = None
    if phase is not None:
        return phase
    match = _PHASE_IN_DESCRIPTION.match(stack.get("Description", ""))
    return int(match.group(1)) if match else None


def holds_template(stack: dict[str, Any] | None) -> bool:
    """Whether `stack` has a deployed template to read (not under review, not deleted)."""
    return stack is not None and stack.get("StackStatus") not in (
        "REVIEW_IN_PROGRESS",
        "DELETE_COMPLETE",
    )


def deployed_template(cfn: Any, stack: dict[str, Any] | None) -> dict[str, Any] | None:
    """The template `stack` runs (None: it has none, or it cannot be read)."""
    if not holds_template(stack):
        return None
    assert stack is not None
    try:
        return template_of(cfn, stack["StackName"])
    except (ClientError, ValueError):
        return None


def check_deployable(stack: dict[str, Any] | None) -> None:
    """Refuse stacks that cannot take a change now, saying what to do instead."""
    if stack is None:
        return
    name, status = stack["StackName"], stack["StackStatus"]
    if busy(status):
        raise DeployError(
            f"stack {name} is busy ({status}); another deploy is running. "
            f"Wait for it: appstack watch {name}"
        )
    if status in BLOCKING_STATES:
        advice = BLOCKING_STATES[status].replace("STACK", name)
        raise DeployError(f"stack {name} is {status}: {advice}")


def outputs(stack: dict[str, Any] | None) -> dict[str, str]:
    if not stack:
        return {}
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


#: The template a stack runs (GetTemplate), read in one place: the repair's reader.
template_of = repair.deployed_template


def _finished(cfn: Any, stack_name: str) -> dict[str, Any] | None:
    stack = describe(cfn, stack_name)
    if stack is None:
        return {"StackName": stack_name, "StackStatus": "DELETE_COMPLETE"}
    return None if stack["StackStatus"].endswith("_IN_PROGRESS") else stack


def _expected_seconds(resource_type: str, action: str) -> float:
    from appstack.estimates.forecast import load_durations

    durations = load_durations()
    if action == "create":
        return durations.seconds(resource_type, "create")
    if action == "delete":
        return durations.seconds(resource_type, "delete")
    return durations.seconds(resource_type, "update")  # update, and a rollback's undoing


def follow(
    cfn: Any,
    stack_name: str,
    on_event: Callable[[events.Event], None] | None = None,
    token: str | None = None,
    watch: Callable[[list[events.Event]], list[events.Event]] | None = None,
    timeout: float | None = None,
) -> tuple[dict[str, Any], list[events.Event]]:
    """Wait for the stack's operation to end, handing each of its new events to `on_event`,
    and what `watch` answers to them (the service's events and stopped tasks) too.

    With `timeout` (seconds), `TimedOut` once it passed: the operation goes on in
    CloudFormation.

    `token` is the ClientRequestToken the operation was called with: only its events count
    (an older failure never decides this operation's outcome). Without one (re-attaching to
    an operation), the operation is the one of the newest event: its token if it has one,
    else only the events from now on."""
    seen: set[str] = set()
    if token is None:
        try:
            newest = events.newest(cfn, stack_name)
        except ClientError:
            newest = None
        if newest is not None:
            token = newest.get("ClientRequestToken")
            if token is None:
                seen.add(newest["EventId"])
    all_events: list[events.Event] = []
    pace = events.Pace(_expected_seconds)

    def check() -> dict[str, Any] | None:
        try:
            fresh = events.since(cfn, stack_name, seen, token)
        except ClientError:  # throttled, or the stack is gone: the status says which
            fresh = []
        all_events.extend(fresh)
        for event in fresh:
            pace.saw(event)
            if on_event:
                on_event(event)
        for notice in watch(fresh) if watch else []:
            if on_event:
                on_event(notice)
        return _finished(cfn, stack_name)

    final = poll(check, near=pace.near, timeout=timeout)
    if final is None:
        raise TimedOut(stack_name, timeout or 0.0)
    return final, all_events


def upload_template(conn: Connection, stack_name: str, template: dict[str, Any]) -> str:
    """Put a large template in this account's encrypted template bucket; return its URL."""
    try:
        return template_bucket.upload(
            conn.client("s3"),
            conn.client("sts"),
            conn.region,
            stack_name,
            changesets.compact(template).encode(),
        )
    except template_bucket.TemplateBucketError as exc:
        raise DeployError(str(exc)) from exc


def plan(
    conn: Connection,
    stack_name: str,
    stack: dict[str, Any] | None,
    template: dict[str, Any],
    allow_data_loss: bool = False,
    allow_outage: bool = False,
    tags: dict[str, str] | None = None,
    deployed: dict[str, Any] | None = None,
) -> tuple[changesets.ChangeSet, list[str]]:
    """Create the change set, classify each change (`change_set.verdicts`), and return the
    refusals: what the classifier refuses, or gates behind a flag not given (the change
    set is kept either way).

    `stack` is the stack as described just before (`describe`), None if not deployed;
    `deployed` the template it runs, if the caller read it for that description: then a
    template identical to it, with the stack's tags and parameters as they are, makes no
    change set at all (`unchanged`)."""
    cfn = conn.client("cloudformation")
    check_deployable(stack)
    template = kept_names.keep(template, stack, lambda: physical_ids(cfn, stack_name))
    if deployed is not None and unchanged(stack, deployed, template, tags):
        return changesets.ChangeSet(stack_name, "", False, unchanged=True), []
    url = None
    if len(changesets.compact(template).encode()) > changesets.MAX_TEMPLATE_BODY:
        url = upload_template(conn, stack_name, template)
    try:
        creating = stack is None or stack["StackStatus"] == "REVIEW_IN_PROGRESS"
        change_set = changesets.create(cfn, stack_name, template, creating, url, tags)
    except changesets.ChangeSetFailed as exc:
        raise DeployError(f"CloudFormation refused the change set: {exc}") from exc
    except ClientError as exc:
        raise DeployError(f"CloudFormation refused the change: {exc}") from exc
    # An empty change set risks nothing: the deployed template is only needed to judge changes.
    old: dict[str, Any] = {}
    if not creating and not change_set.empty:
        old = deployed if deployed is not None else template_of(cfn, stack_name)
    judged = classify.classify(change_set.changes, old, template)
    change_set.verdicts = list(judged.verdicts)
    change_set.lifted = judged.lifted(allow_data_loss)
    if any(c.action == "Remove" for c in change_set.changes):
        change_set.removals = removals.of(change_set.changes, old, physical_ids(cfn, stack_name))
    change_set.kept = [
        f"{r.logical_id} ({r.resource_type})"
        for r in change_set.removals
        if r.fate == removals.KEPT
    ]
    return change_set, classify.sentences(judged.blocking(allow_data_loss, allow_outage))


#: Stack states whose deployed template is the one the last operation asked for.
_SETTLED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"})


def unchanged(
    stack: dict[str, Any] | None,
    deployed: dict[str, Any],
    template: dict[str, Any],
    tags: dict[str, str] | None,
) -> bool:
    """Whether a change set of `template` for `stack` (running `deployed`) could only say
    "no changes": the same template, every parameter at the Default it declares, the same
    tags. CloudFormation then answers the change set FAILED, "The submitted information
    didn't contain changes"
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html),
    so it is not made. Anything it would resolve anew keeps the change set: a Transform (a
    macro's output may differ), an SSM parameter type (its value is read at each change set,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html),
    a NoEcho parameter (DescribeStacks masks its value)."""
    if stack is None or stack.get("StackStatus") not in _SETTLED:
        return False
    if template != deployed or "Transform" in template:
        return False
    declared = template.get("Parameters", {})
    values = {p["ParameterKey"]: p.get("ParameterValue") for p in stack.get("Parameters", [])}
    if set(values) != set(declared):
        return False
    for key, parameter in declared.items():
        kind = str(parameter.get("Type", ""))
        if parameter.get("NoEcho") or kind.startswith("AWS::SSM::") or "Default" not in parameter:
            return False
        default = parameter["Default"]
        if isinstance(default, list):
            default = ",".join(str(d) for d in default)
        if values[key] != str(default):
            return False
    have = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
    return tags is None or have == tags


def physical_ids(cfn: Any, stack_name: str) -> dict[str, str]:
    """The physical id of each resource of the stack, by logical id."""
    found = {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            found[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
    return found


def clear_abandoned_review(cfn: Any, stack: dict[str, Any] | None) -> bool:
    """Delete a stack that holds only appstack's unexecuted change sets (REVIEW_IN_PROGRESS
    with no resource: a first deploy stopped at its confirmation); True if it did.

    A CREATE change set makes a stack in REVIEW_IN_PROGRESS that holds nothing until the
    change set runs (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html);
    its name stays taken until DeleteStack removes it.
    A change set another tool made (not named appstack-...) leaves the stack alone."""
    if stack is None or stack["StackStatus"] != "REVIEW_IN_PROGRESS":
        return False
    name = stack["StackName"]
    if physical_ids(cfn, name):
        return False
    summaries = cfn.list_change_sets(StackName=name).get("Summaries", [])
    if any(not s.get("ChangeSetName", "").startswith("appstack-") for s in summaries):
        return False
    cfn.delete_stack(StackName=name)
    poll(lambda: _gone(cfn, name), timeout=120)
    return True


def _gone(cfn: Any, name: str) -> bool | None:
    stack = describe(cfn, name)
    return True if stack is None or stack["StackStatus"] == "DELETE_COMPLETE" else None


def discard(conn: Connection, change_set: changesets.ChangeSet) -> None:
    cfn = conn.client("cloudformation")
    changesets.delete(cfn, change_set.stack_name, change_set.name)
    if change_set.creating:  # a CREATE change set leaves a REVIEW_IN_PROGRESS stack behind
        stack = describe(cfn, change_set.stack_name)
        if stack and stack["StackStatus"] == "REVIEW_IN_PROGRESS":
            cfn.delete_stack(StackName=change_set.stack_name)


def require_available(cfn: Any, change_set: changesets.ChangeSet) -> None:
    """Refuse a change set that CloudFormation would not run, naming its ExecutionStatus
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html)."""
    name = change_set.stack_name
    try:
        status = changesets.execution_status(cfn, change_set)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in OVERTAKEN:
            raise _dropped(name) from exc
        raise
    if status == "AVAILABLE":
        return
    why = {
        "OBSOLETE": "the stack changed since it was made (another deploy ran)",
        "UNAVAILABLE": "CloudFormation cannot run it (yet, or any more)",
        "EXECUTE_IN_PROGRESS": "it is running already",
        "EXECUTE_COMPLETE": "it ran already",
        "EXECUTE_FAILED": "it ran already, and failed",
    }.get(status, "it cannot run")
    raise DeployError(
        f"the change set {change_set.name} of stack {name} is {status}: {why}. "
        f"See the stack: appstack status {name}; then deploy again"
    )


def apply(
    conn: Connection,
    change_set: changesets.ChangeSet,
    template: dict[str, Any],
    production: bool,
    on_event: Callable[[events.Event], None] | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Execute a change set, follow it to the end, set the stack policy and protection.

    The ECS service is followed too (`service_watch`): a failure of the service names the
    reason its task stopped as the root cause. `timeout` bounds the wait (`follow`).

    Protection is lowered only for the operation that needs it: the policy in force is read
    first, and an update runs under the new template's policy (what it removes is no longer
    protected from deletion; ids that --allow-data-loss lifted, `change_set.lifted`, are open
    for this operation only). When the execution is refused, fails or rolls back, the policy
    read first is put back; once the operation ends, `repair.repair` checks that the stack
    has the policy of the template then deployed. If this process does not live to see the
    end, the next `deploy`, `rollback`, `status` or `watch` repairs it the same way."""
    cfn = conn.client("cloudformation")
    name = change_set.stack_name
    previous: str | None = None
    if not change_set.creating:
        # Another deploy may have started while this one waited for confirmation: refuse
        # before touching its stack policy.
        check_deployable(describe(cfn, name))
    require_available(cfn, change_set)
    if not change_set.creating:
        previous = current_policy(cfn, name)
        # ExecuteChangeSet takes no temporary policy: the stack's own is enforced during the
        # update (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html),
        # so the new template's policy is set first (less what --allow-data-loss lifted for
        # this operation), and set right again once it has run.
        cfn.set_stack_policy(
            StackName=name, StackPolicyBody=protection.stack_policy(template, change_set.lifted)
        )
    # The services' watch (its ECS client: a service model to load) is made while
    # CloudFormation answers ExecuteChangeSet.
    watching = background.start(service_watch.watch, conn, name, template)
    try:
        changesets.execute(cfn, change_set)
    except ClientError as exc:
        _restore_policy(cfn, change_set, previous)
        if exc.response.get("Error", {}).get("Code") in OVERTAKEN:
            raise _dropped(name) from exc
        raise DeployError(f"CloudFormation did not run the change set of {name}: {exc}") from exc
    except BotoCoreError as exc:
        _restore_policy(cfn, change_set, previous)
        raise DeployError(f"CloudFormation did not run the change set of {name}: {exc}") from exc
    warnings = []
    if change_set.creating and production:
        # At once, not after the creation: termination protection can be set in any status
        # but DELETE_IN_PROGRESS and DELETE_COMPLETE
        # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html).
        warnings += _terminate_protection(cfn, name, True)
    final, failure = _follow_with_services(cfn, change_set, watching.result(), on_event, timeout)
    outcome = Outcome(name, final["StackStatus"], change_set, outputs(final), failure)
    if not outcome.ok:
        # Rolled back: the deployed template is the old one again, and so is its policy.
        _restore_policy(cfn, change_set, previous)
    elif change_set.lifted:
        # A lift was for this operation only.
        cfn.set_stack_policy(StackName=name, StackPolicyBody=protection.stack_policy(template))
    if change_set.creating and production and final["StackStatus"] == "ROLLBACK_COMPLETE":
        # A failed creation holds nothing, and its only way forward is deletion.
        warnings += _terminate_protection(cfn, name, False)
    if outcome.ok and not production and final.get("EnableTerminationProtection"):
        # Termination protection follows deletion_protection both ways: switched off,
        # `destroy` must work again.
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
        warnings += _terminate_protection(cfn, name, False)
    repaired = _repair_after(cfn, final, change_set, template, outcome.ok, production)
    outcome.warnings = list(dict.fromkeys(warnings + repaired.failed))
    if outcome.ok and change_set.removals:
        checked = removals.check(conn, change_set.removals)
        outcome.checked, outcome.warnings = checked.facts, outcome.warnings + checked.problems
    return outcome


def _repair_after(
    cfn: Any,
    final: dict[str, Any],
    change_set: changesets.ChangeSet,
    template: dict[str, Any],
    ok: bool,
    production: bool,
) -> repair.Repairs:
    """Give the stack the protection its template needs once `apply` ran. After a success
    with what this deploy knows: the template deployed, and the policy it set (before or
    after execution), or none on a stack just created (a change set sets none). After a
    failure both are read."""
    if not ok:
        return repair.repair(cfn, final, production=production)
    known = None if change_set.creating else protection.stack_policy(template)
    return repair.repair(cfn, final, template, production, policy=known)


def _follow_with_services(
    cfn: Any,
    change_set: changesets.ChangeSet,
    watch: service_watch.ServiceWatch | None,
    on_event: Callable[[events.Event], None] | None,
    timeout: float | None,
) -> tuple[dict[str, Any], events.Event | None]:
    """Follow the executed change set and the template's ECS services (`watch`; None: it has
    none); the stack as it ended, and the root cause of a failure (a service's: the reason
    its task stopped)."""
    final, seen = follow(
        cfn, change_set.stack_name, on_event, change_set.token,
        watch.saw if watch else None, timeout,
    )  # fmt: skip
    root = events.root_cause(seen)
    return final, watch.explain(root) if watch else root


def _terminate_protection(cfn: Any, name: str, on: bool) -> list[str]:
    try:
        cfn.update_termination_protection(StackName=name, EnableTerminationProtection=on)
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        return [f"termination protection not {'set' if on else 'lifted'}: {exc}"]
    return []


def set_deletion_protection(
    conn: Connection,
    stack_name: str,
    logical_ids: set[str],
    on: bool,
    on_event: Callable[[events.Event], None] | None = None,
) -> Outcome:
    """Update the deployed template with deletion protection off (or back on) on `logical_ids`
    and nothing else, so that a following change can delete them with their final snapshot
    (or, if that change failed, so that they are protected again).

    CloudFormation cannot delete a deletion-protected resource; in an update's cleanup it
    drops it from the stack and still completes, leaving it running with no snapshot
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html).
    The stack policy stays as it is: it denies Replace and Delete, not this Modify."""
    cfn = conn.client("cloudformation")
    stack = describe(cfn, stack_name)
    check_deployable(stack)
    deployed = template_of(cfn, stack_name)
    lifted = repair.with_deletion_protection(deployed, logical_ids, on)
    try:
        change_set = changesets.create(cfn, stack_name, lifted, False)
    except (changesets.ChangeSetFailed, ClientError) as exc:
        raise DeployError(f"CloudFormation refused to change deletion protection: {exc}") from exc
    unexpected = [
        c.logical_id
        for c in change_set.changes
        if c.action != "Modify" or c.kind == "replace" or c.logical_id not in logical_ids
    ]
    if unexpected:
        changesets.delete(cfn, stack_name, change_set.name)
        raise DeployError(
            f"changing deletion protection of {', '.join(sorted(logical_ids))} would also change "
            f"{', '.join(unexpected)}; nothing was changed. Deploy the current phase first "
            f"(appstack deploy {stack_name} ...), then roll back again"
        )
    if change_set.empty:  # already so (an earlier rollback stopped after this step)
        return Outcome(stack_name, "NO_CHANGES", change_set)
    changesets.execute(cfn, change_set)
    final, seen = follow(cfn, stack_name, on_event, change_set.token)
    outcome = Outcome(stack_name, final["StackStatus"], change_set, outputs(final))
    outcome.failure = events.root_cause(seen)
    return outcome


def current_policy(cfn: Any, stack_name: str) -> str | None:
    """The stack's policy as it is now (None: it has none)."""
    body = cfn.get_stack_policy(StackName=stack_name).get("StackPolicyBody")
    return str(body) if body else None


def _restore_policy(cfn: Any, change_set: changesets.ChangeSet, previous: str | None) -> None:
    """Put back the policy read before the operation. A policy cannot be removed, only
    replaced: "none" comes back as allowing every update, which is what no policy does."""
    if change_set.creating:
        return  # a stack under review has no policy to restore
    # Quietly: the original error matters more than a failed restore.
    with contextlib.suppress(ClientError, BotoCoreError):
        cfn.set_stack_policy(
            StackName=change_set.stack_name, StackPolicyBody=previous or protection.ALLOW_ALL
        )


def destroy(
    conn: Connection,
    stack_name: str,
    on_event: Callable[[events.Event], None] | None = None,
) -> Outcome:
    cfn = conn.client("cloudformation")
    stack = describe(cfn, stack_name)
    if stack is None:
        raise StackNotFound(stack_name, conn.region)
    if stack.get("EnableTerminationProtection"):
        raise DeployError(
            f"stack {stack_name} has termination protection (a production environment); "
            "if you really mean it, set `deletion_protection: false` for its environment and "
            "deploy (that removes the protection), then destroy"
        )
    retained = retained_resources(template_of(cfn, stack_name))
    # Only this deletion's events count (an earlier failed deletion's are not shown again).
    token = f"appstack-destroy-{uuid.uuid4().hex}"
    cfn.delete_stack(StackName=stack_name, ClientRequestToken=token)
    final, seen = follow(cfn, stack_name, on_event, token)
    outcome = Outcome(stack_name, final["StackStatus"], None, {}, events.root_cause(seen))
    if outcome.status == "DELETE_COMPLETE":
        outcome.retained = retained
    else:
        outcome.left = left_behind(cfn, stack_name)
    return outcome


def left_behind(cfn: Any, stack_name: str) -> list[str]:
    """The resources a failed deletion left in the stack, each with its reason."""
    left = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            if resource.get("ResourceStatus") == "DELETE_COMPLETE":
                continue
            reason = resource.get("ResourceStatusReason")
            left.append(
                f"{resource['LogicalResourceId']} ({resource['ResourceType']})"
                + (f": {reason}" if reason else "")
            )
    return left


def retained_resources(template: dict[str, Any]) -> list[str]:
    """What a deletion leaves behind: the resource itself, or its final snapshot."""
    return sorted(
        f"{name} ({resource.get('Type')})"
        + (": deleted after a final snapshot" if resource["DeletionPolicy"] == "Snapshot" else "")
        for name, resource in template.get("Resources", {}).items()
        if resource.get("DeletionPolicy") in KEEPS_DATA
    )
