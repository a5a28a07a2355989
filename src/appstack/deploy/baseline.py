"""The account baseline's stack: deployed, planned, read and destroyed through the same
engine as an environment (`workflow.run`: checks, change set, classified changes, stack
policy, termination protection, events), with the baseline's own preflight.

Its template comes from `blueprint.baseline`; its stack is `<baseline.name>-baseline` in the
account and Region of the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from appstack.blueprint import baseline as blueprint
from appstack.config import BaselineSettings, BaselineTarget
from appstack.deploy import events, stacks, workflow
from appstack.deploy.session import Connection


def target(settings: BaselineSettings, conn: Connection) -> BaselineTarget:
    return BaselineTarget(settings, conn.region)


def deploy(
    conn: Connection,
    settings: BaselineSettings,
    interaction: workflow.Interaction,
    yes: bool = False,
    validate: bool = True,
) -> workflow.Result:
    """Deploy the baseline in the connection's account and Region."""
    goal = target(settings, conn)
    request = workflow.Request(
        goal.stack_name, goal, blueprint.to_dict(settings), yes=yes, validate=validate
    )
    return workflow.run(conn, request, interaction)


def plan(conn: Connection, settings: BaselineSettings) -> workflow.Preview:
    """What deploying the baseline would change (the change set is deleted again)."""
    goal = target(settings, conn)
    return workflow.preview(conn, goal.stack_name, goal, blueprint.to_dict(settings))


@dataclass(frozen=True)
class Status:
    """The baseline in one account and Region: its stack, and whether it records."""

    stack: str
    region: str
    #: The stack's status; NOT_DEPLOYED when there is none.
    status: str
    #: The Config recorder's name and whether it records (None: there is none).
    recorder: str | None
    recording: bool
    #: The trail's name and whether it logs (None: there is none).
    trail: str | None
    logging: bool

    @property
    def ok(self) -> bool:
        return self.status.endswith("_COMPLETE") and self.recording and self.logging


def status(conn: Connection, settings: BaselineSettings) -> Status:
    """What the account shows of the baseline: the stack, the recorder, the trail."""
    name = settings.stack_name
    found = stacks.current(conn, name)
    outputs = stacks.outputs(found)
    recorder = outputs.get("ConfigRecorderName")
    recording = False
    if recorder:
        try:
            answer = conn.client("config").describe_configuration_recorder_status(
                ConfigurationRecorderNames=[recorder]
            )
        except ClientError as exc:  # deleted behind the stack's back: not recording
            if exc.response.get("Error", {}).get("Code") != "NoSuchConfigurationRecorderException":
                raise
        else:
            recording = any(s.get("recording") for s in answer["ConfigurationRecordersStatus"])
    trail = outputs.get("TrailArn")
    logging = False
    if trail:
        try:
            logging = bool(conn.client("cloudtrail").get_trail_status(Name=trail)["IsLogging"])
        except ClientError:
            logging = False
    state = found["StackStatus"] if found else "NOT_DEPLOYED"
    return Status(name, conn.region, state, recorder, recording, trail, logging)


class BaselineInUse(stacks.DeployError):
    """Destroying the baseline would stop recording that Config rules still rely on."""


def destroy(
    conn: Connection,
    settings: BaselineSettings,
    on_event: Callable[[events.Event], None] | None = None,
) -> stacks.Outcome:
    """Delete the baseline's stack: its buckets and key stay (DeletionPolicy Retain), its
    recorder and trail go. Refused while termination protection is on, or while Config rules
    in the Region still evaluate what the recorder records (an environment at phase 2 or
    above, or anything else): they would stop evaluating, silently
    (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html)."""
    name = settings.stack_name
    found = stacks.require(conn.client("cloudformation"), name)
    if found.get("EnableTerminationProtection"):
        raise stacks.DeployError(
            f"the baseline {name} has termination protection; if you mean to remove it, set "
            "`baseline.deletion_protection: false`, run `appstack baseline deploy`, then destroy"
        )
    own = set(stacks.physical_ids(conn.client("cloudformation"), name).values())
    rules = [r for r in _rules(conn) if r not in own]  # its own rule goes with it
    if rules:
        shown = ", ".join(rules[:3]) + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")
        raise BaselineInUse(
            f"{len(rules)} AWS Config rule(s) in {conn.region} rely on the baseline's recorder "
            f"({shown}); destroying it would stop their evaluations. Roll back the environments "
            "that use them below phase 2 first (appstack rollback STACK ENV --to-phase 1)"
        )
    return stacks.destroy(conn, name, on_event)


def _rules(conn: Connection) -> list[str]:
    pages: list[dict[str, Any]] = []
    answer = conn.client("config").describe_config_rules()
    pages.append(answer)
    while answer.get("NextToken"):
        answer = conn.client("config").describe_config_rules(NextToken=answer["NextToken"])
        pages.append(answer)
    return sorted(r["ConfigRuleName"] for page in pages for r in page.get("ConfigRules", []))
