"""Stacks: state checks, deploy, destroy, outputs."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from appstack.deploy import changesets, classify, events, protection
from appstack.deploy.session import Connection
from appstack.deploy.waiting import poll
from appstack.errors import AppstackError


class DeployError(AppstackError):
    """A deploy or destroy that failed or was refused; the message says the way forward."""

    exit_code = 1


@dataclass
class Outcome:
    stack_name: str
    status: str
    change_set: changesets.ChangeSet | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    failure: events.Event | None = None
    retained: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.status.endswith(("FAILED", "ROLLBACK_COMPLETE"))


#: Errors of ExecuteChangeSet when another operation came first: executing a change set
#: deletes the stack's other change sets, and none runs while the stack is busy.
OVERTAKEN = frozenset({"ChangeSetNotFoundException", "ChangeSetNotFound", "InvalidChangeSetStatus"})


def describe(cfn: Any, stack_name: str) -> dict[str, Any] | None:
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


def current(conn: Connection, stack_name: str) -> dict[str, Any] | None:
    """The stack as it is now; None if it is not deployed."""
    return describe(conn.client("cloudformation"), stack_name)


_PHASE_IN_DESCRIPTION = re.compile(r"^appstack \S+: .*, phase (\d+): ")


def deployed_phase(stack: dict[str, Any] | None) -> int | None:
    """The phase a stack was deployed at, from the template description appstack writes
    ("appstack 0.4.0: myapp (dev), phase 2: ..."); None if not deployed or not appstack's."""
    match = _PHASE_IN_DESCRIPTION.match((stack or {}).get("Description", ""))
    return int(match.group(1)) if match else None


def check_deployable(stack: dict[str, Any] | None) -> None:
    """Refuse stacks that cannot take a change now, saying what to do instead."""
    if stack is None:
        return
    name, status = stack["StackName"], stack["StackStatus"]
    if status == "REVIEW_IN_PROGRESS":  # a change set was made but never run: not busy
        return
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(
            f"stack {name} is busy ({status}); another deploy is running. "
            f"Wait for it: appstack watch {name}"
        )
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {name} is ROLLBACK_COMPLETE: its first creation failed and it cannot be "
            f"updated. Delete it (appstack destroy {name}), then deploy again"
        )
    if status == "UPDATE_ROLLBACK_FAILED":
        raise DeployError(
            f"stack {name} is UPDATE_ROLLBACK_FAILED. Fix the resource named in "
            f"`appstack events {name}`, then run: aws cloudformation continue-update-rollback "
            f"--stack-name {name}"
        )


def outputs(stack: dict[str, Any] | None) -> dict[str, str]:
    if not stack:
        return {}
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def template_of(cfn: Any, stack_name: str) -> dict[str, Any]:
    body = cfn.get_template(StackName=stack_name)["TemplateBody"]
    return body if isinstance(body, dict) else dict(json.loads(body))


def _finished(cfn: Any, stack_name: str) -> dict[str, Any] | None:
    stack = describe(cfn, stack_name)
    if stack is None:
        return {"StackName": stack_name, "StackStatus": "DELETE_COMPLETE"}
    return None if stack["StackStatus"].endswith("_IN_PROGRESS") else stack


def follow(
    cfn: Any, stack_name: str, on_event: Callable[[events.Event], None] | None = None
) -> tuple[dict[str, Any], list[events.Event]]:
    """Wait for the stack's operation to end, handing each new event to `on_event`."""
    seen: set[str] = set()
    all_events: list[events.Event] = []

    def check() -> dict[str, Any] | None:
        try:
            fresh = events.since(cfn, stack_name, seen)
        except ClientError:
            fresh = []
        all_events.extend(fresh)
        for event in fresh:
            if on_event:
                on_event(event)
        return _finished(cfn, stack_name)

    final = poll(check)
    assert final is not None
    return final, all_events


def upload_template(conn: Connection, stack_name: str, template: dict[str, Any]) -> str:
    """Put a large template in an encrypted bucket appstack owns; return its URL."""
    s3 = conn.client("s3")
    account = conn.client("sts").get_caller_identity()["Account"]
    bucket = f"appstack-templates-{account}-{conn.region}"
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if conn.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": conn.region}
        s3.create_bucket(**kwargs)
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
    key = f"{stack_name}/{int(time.time())}.template.json"
    s3.put_object(Bucket=bucket, Key=key, Body=changesets.compact(template).encode())
    # CloudFormation reads the object with the caller's credentials: a plain S3 URL serves.
    return f"https://{bucket}.s3.{conn.region}.amazonaws.com/{key}"


def plan(
    conn: Connection,
    stack_name: str,
    stack: dict[str, Any] | None,
    template: dict[str, Any],
    allow_data_loss: bool = False,
    allow_outage: bool = False,
) -> tuple[changesets.ChangeSet, list[str]]:
    """Create the change set, classify each change (`change_set.verdicts`), and return the
    refusals: what the classifier refuses, or gates behind a flag not given (the change
    set is kept either way).

    `stack` is the stack as described just before (`describe`), None if not deployed."""
    cfn = conn.client("cloudformation")
    check_deployable(stack)
    url = None
    if len(changesets.compact(template).encode()) > changesets.MAX_TEMPLATE_BODY:
        url = upload_template(conn, stack_name, template)
    try:
        creating = stack is None or stack["StackStatus"] == "REVIEW_IN_PROGRESS"
        change_set = changesets.create(cfn, stack_name, template, creating, url)
    except changesets.ChangeSetFailed as exc:
        raise DeployError(f"CloudFormation refused the change set: {exc}") from exc
    except ClientError as exc:
        raise DeployError(f"CloudFormation refused the change: {exc}") from exc
    # An empty change set risks nothing: the deployed template is only needed to judge changes.
    old = {} if creating or change_set.empty else template_of(cfn, stack_name)
    judged = classify.classify(change_set.changes, old, template)
    change_set.verdicts = list(judged.verdicts)
    change_set.lifted = judged.lifted(allow_data_loss)
    old_resources = old.get("Resources", {})
    change_set.kept = [
        f"{c.logical_id} ({c.resource_type})"
        for c in change_set.changes
        if c.action == "Remove"
        and old_resources.get(c.logical_id, {}).get("DeletionPolicy") in protection.KEEPS_DATA
    ]
    return change_set, classify.sentences(judged.blocking(allow_data_loss, allow_outage))


def discard(conn: Connection, change_set: changesets.ChangeSet) -> None:
    cfn = conn.client("cloudformation")
    changesets.delete(cfn, change_set.stack_name, change_set.name)
    if change_set.creating:  # a CREATE change set leaves a REVIEW_IN_PROGRESS stack behind
        stack = describe(cfn, change_set.stack_name)
        if stack and stack["StackStatus"] == "REVIEW_IN_PROGRESS":
            cfn.delete_stack(StackName=change_set.stack_name)


def apply(
    conn: Connection,
    change_set: changesets.ChangeSet,
    template: dict[str, Any],
    production: bool,
    on_event: Callable[[events.Event], None] | None = None,
) -> Outcome:
    """Execute a change set, follow it to the end, set the stack policy and protection.

    The policy in force is read first; when the execution is refused, fails or rolls back,
    it is put back. Ids that --allow-data-loss lifted (`change_set.lifted`) are unprotected
    for this operation only."""
    cfn = conn.client("cloudformation")
    name = change_set.stack_name
    policy = protection.stack_policy(template)
    previous: str | None = None
    if not change_set.creating:
        # Another deploy may have started while this one waited for confirmation: refuse
        # before touching its stack policy.
        check_deployable(describe(cfn, name))
        previous = current_policy(cfn, name)
        # The new template's policy, before executing: resources this change removes (their
        # data is kept, or --allow-data-loss said so) are no longer protected from deletion,
        # everything that stays remains protected from replacement and deletion, except the
        # ids --allow-data-loss lifted for this operation (the plan's verdicts).
        cfn.set_stack_policy(
            StackName=name, StackPolicyBody=protection.stack_policy(template, change_set.lifted)
        )
    try:
        changesets.execute(cfn, change_set)
    except ClientError as exc:
        _restore_policy(cfn, change_set, previous)
        if exc.response.get("Error", {}).get("Code") in OVERTAKEN:
            raise DeployError(
                f"another deploy changed stack {name} while this one waited, and CloudFormation "
                f"dropped this change set (it was made for the stack as it was). See what "
                f"runs: appstack status {name}; then deploy again"
            ) from exc
        raise DeployError(f"CloudFormation did not run the change set of {name}: {exc}") from exc
    except BotoCoreError as exc:
        _restore_policy(cfn, change_set, previous)
        raise DeployError(f"CloudFormation did not run the change set of {name}: {exc}") from exc
    final, seen = follow(cfn, name, on_event)
    outcome = Outcome(name, final["StackStatus"], change_set, outputs(final))
    outcome.failure = events.root_cause(seen)
    if not outcome.ok:
        # Rolled back: the deployed template is the old one again, and so is its policy.
        _restore_policy(cfn, change_set, previous)
        return outcome
    if change_set.creating or change_set.lifted:
        # A stack under review takes no policy; a lift was for this operation only.
        cfn.set_stack_policy(StackName=name, StackPolicyBody=policy)
    # Termination protection follows deletion_protection both ways: switched off, `destroy`
    # must work again. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
    if production != bool(final.get("EnableTerminationProtection")):
        try:
            cfn.update_termination_protection(
                StackName=name, EnableTerminationProtection=production
            )
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            verb = "set" if production else "removed"
            outcome.warnings.append(f"termination protection not {verb}: {exc}")
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
        raise DeployError(f"stack {stack_name} does not exist")
    if stack.get("EnableTerminationProtection"):
        raise DeployError(
            f"stack {stack_name} has termination protection (a production environment); "
            "if you really mean it, set `deletion_protection: false` for its environment and "
            "deploy (that removes the protection), then destroy"
        )
    retained = retained_resources(template_of(cfn, stack_name))
    cfn.delete_stack(StackName=stack_name)
    final, seen = follow(cfn, stack_name, on_event)
    return Outcome(stack_name, final["StackStatus"], None, {}, events.root_cause(seen), retained)


def retained_resources(template: dict[str, Any]) -> list[str]:
    """What a deletion leaves behind: the resource itself, or its final snapshot."""
    return sorted(
        f"{name} ({resource.get('Type')})"
        + (": deleted after a final snapshot" if resource["DeletionPolicy"] == "Snapshot" else "")
        for name, resource in template.get("Resources", {}).items()
        if resource.get("DeletionPolicy") in protection.KEEPS_DATA
    )
