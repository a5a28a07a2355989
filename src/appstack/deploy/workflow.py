"""The deploy workflow: the one way a template reaches a stack.

`run` takes a `Request` (what to deploy where, and what the caller allows) and an
`Interaction` (how the caller shows things and asks), and returns a `Result`. In order:

1. settle: a stack left under review by an unexecuted first deploy is cleared, and lowered
   protection of a stack appstack deployed is repaired;
2. a rollback must go down from the phase the stack is deployed at;
3. checks: validate (cfn-lint, own rules, checkov) works on the template while preflight
   asks the account beside it; any error stops here, before anything changed;
4. plan: the change set, each change classified; a refusal stops here. A new environment's
   stack is planned while preflight still asks (its errors then stop the deploy here, and
   the change set and the stack under review it made are deleted);
5. confirmation (unless `yes`), naming the deletion protection to be lifted first;
6. deletion protection of the resources the change removes is lifted by an update that
   changes nothing else, and the change is planned again and checked against the one shown;
7. apply, following the operation's events; if it failed, the protection lifted in 6 is
   put back.

With `build` (`--build`), the image is built on this machine before all of this, pushed to
the stack's repository, and the template deploys its digest (`deploy.images`). A stack
without its repository yet (a first deploy) is deployed with the config's `image` first,
which creates the repository; the build is then pushed and deployed. Without `build`, a
stack that runs a built image keeps it.

`appstack deploy` and `appstack rollback`, `make demo` and the engine's tests all call `run`.
It never prints and never asks: the `Interaction` the caller passes does both.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from appstack.checks.findings import Finding
from appstack.config import BaselineTarget, Target
from appstack.deploy import background, changesets, drift, events, images, repair, stacks
from appstack.deploy.session import Connection
from appstack.errors import UsageError

T = TypeVar("T")


class Declined(stacks.DeployError):
    """The change was shown and the person asked said no."""

    exit_code = 130


class Interaction(Protocol):
    """What the workflow shows, and the questions it asks, on the caller's terms."""

    def note(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def success(self, message: str) -> None: ...

    def findings(self, found: Sequence[Finding]) -> None: ...

    def repairs(self, done: Sequence[str], failed: Sequence[str]) -> None: ...

    def change(self, change_set: changesets.ChangeSet) -> None:
        """Show a change set: its changes, what each removal does, what the changes mean."""

    def refusal(self, refused: Sequence[str]) -> None: ...

    def outcome(self, outcome: stacks.Outcome) -> None: ...

    def can_ask(self) -> bool:
        """Whether there is someone to answer `confirm`."""

    def confirm(self, question: str) -> bool: ...

    def progress(
        self, title: str, total: int
    ) -> AbstractContextManager[Callable[[events.Event], None]]:
        """Follow an operation of `total` resources: the context hands out the function that
        takes each of its events."""

    def activity(self, title: str) -> AbstractContextManager[Callable[[str], None]]:
        """Follow a step that prints lines (an image build, a push): the context hands out
        the function that takes each line."""


@dataclass(frozen=True)
class Request:
    """One deploy: `template` (synthesized once, from `target`) to `stack`. The target is an
    environment at a phase, or the account baseline in one account and Region."""

    stack: str
    target: Target | BaselineTarget
    template: dict[str, Any]
    #: Deploy without asking.
    yes: bool = False
    allow_data_loss: bool = False
    allow_outage: bool = False
    #: cfn-lint, appstack's rules and checkov on the template first.
    validate: bool = True
    #: A rollback: the target phase must be below the deployed one.
    going_down: bool = False
    #: Ask the account what would stop an environment's stack (off for a stack that is
    #: not one, such as the CI access stack).
    preflight: bool = True
    #: Build the image, push it to the stack's repository and deploy its digest.
    build: images.Build | None = None
    #: Seconds to wait for the change to run (None: until it ends); see `waiting.TimedOut`.
    timeout: float | None = None


@dataclass
class Result:
    stack: str
    #: The stack as found before the change (None: it did not exist).
    found: dict[str, Any] | None
    #: What ran; None: there was nothing to change, and nothing ran.
    outcome: stacks.Outcome | None = None
    #: The resources whose deletion protection was lifted before their removal.
    lifted: frozenset[str] = field(default_factory=frozenset)
    #: The image built and pushed for this deploy (`Request.build`).
    pushed: images.Pushed | None = None

    @property
    def changed(self) -> bool:
        return self.outcome is not None

    @property
    def ok(self) -> bool:
        return self.outcome is None or self.outcome.ok

    @property
    def status(self) -> str:
        if self.outcome is not None:
            return self.outcome.status
        return self.found["StackStatus"] if self.found else "NOT_DEPLOYED"

    @property
    def outputs(self) -> dict[str, str]:
        return self.outcome.outputs if self.outcome else stacks.outputs(self.found)


def run(conn: Connection, request: Request, interaction: Interaction) -> Result:
    """Deploy `request.template` to `request.stack` (see the module's description)."""
    if request.build is not None:
        return _build_and_deploy(conn, request, request.build, interaction)
    return _deploy(conn, request, interaction, keep_image=True)


def _build_and_deploy(
    conn: Connection, request: Request, build: images.Build, interaction: Interaction
) -> Result:
    """Build here (a failure changes nothing), make sure the repository exists, push, and
    deploy the pushed digest."""
    assert isinstance(request.target, Target), "only an environment runs an image"
    stack, plain = request.stack, dataclasses.replace(request, build=None)
    built = images.build_shown(build, request.target.app.application_name, interaction)
    signed = images.sign_in(conn)
    repository = images.repository_of(stacks.current(conn, stack))
    if repository is None:
        interaction.note(
            f"{stack} has no image repository yet: it is deployed with "
            f"{request.target.app.image} first, then the build is pushed and deployed"
        )
        first = _deploy(conn, plain, interaction, keep_image=False)
        if not first.ok:
            return first
        repository = images.require_repository(stack, stacks.current(conn, stack))
    pushed = images.push_shown(conn, built, repository, signed, interaction)
    by_digest = images.with_image(request.template, pushed.reference)
    result = _deploy(
        conn, dataclasses.replace(plain, template=by_digest), interaction, keep_image=False
    )
    result.pushed = pushed
    return result


def _deploy(
    conn: Connection, request: Request, interaction: Interaction, keep_image: bool
) -> Result:
    """Deploy `request.template` (`keep_image`: keeping the image a build deployed)."""
    stack = request.stack
    found, deployed = settle(conn, stack, interaction, request.target.is_production)
    if drifted := drift.warning(found):
        interaction.warning(drifted)
    if request.going_down:
        assert isinstance(request.target, Target), "only an environment goes down a phase"
        check_lower(conn, request.target, stack, found)
    checking = _checks(conn, request, interaction, found)
    # A new environment's stack is planned while preflight asks the account: a change set
    # runs nothing, and it is deleted if preflight refuses. A deployed stack is planned only
    # once preflight has answered (it may be busy, or another application's: PF001, PF002).
    beside = found is None and isinstance(request.target, Target)
    current = None if beside else checking.finish()
    template = request.template
    if keep_image and (kept := images.deployed_image(current)):
        interaction.note(f"{stack} keeps the image of its last build, {kept} (--build builds anew)")
        template = images.with_image(template, kept)
    template, notes = conn.prepare(template)
    for note in notes:
        interaction.note(note)
    try:
        change_set, refused = stacks.plan(
            conn,
            stack,
            current,
            template,
            request.allow_data_loss,
            request.allow_outage,
            request.target.tags,
            deployed,  # the template settle read, of the stack preflight took
        )
    except stacks.DeployError:
        if beside:  # preflight's errors say more than a refused change set
            checking.finish()
        raise
    if beside:
        _finish_beside(conn, checking, change_set)
    if change_set.empty:
        return Result(stack, current)
    try:
        lift = _confirm(conn, request, change_set, refused, interaction)
    except BaseException:
        # Ctrl-C or a refusal before anything ran: a first deploy leaves no stack under review.
        stacks.discard(conn, change_set)
        raise
    if lift:
        change_set = _lift_protection(conn, request, template, change_set, lift, interaction)
    apply = functools.partial(
        stacks.apply, conn, change_set, template, request.target.is_production,
        timeout=request.timeout,
    )  # fmt: skip
    outcome = follow(interaction, stack, len(change_set.changes), apply)
    if lift and not outcome.ok:
        _restore_protection(conn, stack, lift, interaction)
    return Result(stack, current, outcome, lift)


def _finish_beside(conn: Connection, checking: _Checking, change_set: changesets.ChangeSet) -> None:
    """Preflight's answer for a stack planned meanwhile; on an error (or Ctrl-C) its change
    set is deleted, and with it the stack under review it made."""
    try:
        checking.finish()
    except BaseException:
        stacks.discard(conn, change_set)
        raise


def follow(interaction: Interaction, stack: str, total: int, action: Callable[..., T]) -> T:
    """Run `action(on_event=...)` under the interaction's progress; on Ctrl-C, say how to
    re-attach (the operation goes on in CloudFormation)."""
    try:
        with interaction.progress(stack, total) as on_event:
            return action(on_event=on_event)
    except KeyboardInterrupt:
        interaction.note(
            f"the operation goes on in CloudFormation; re-attach with: appstack watch {stack}"
        )
        raise


def settle(
    conn: Connection, stack: str, interaction: Interaction, production: bool | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The stack as it is once an abandoned review is cleared and its protection repaired
    (None: not deployed), and the template it runs (None: none; read once, for the repair and
    the plan). The checks and the plan take this description: DescribeStacks is asked once
    before the change set, again only after a repair changed the stack."""
    cfn = conn.client("cloudformation")
    found = stacks.describe(cfn, stack)
    if stacks.clear_abandoned_review(cfn, found):
        interaction.note(
            f"{stack} held only an unexecuted change set of an earlier deploy "
            "(REVIEW_IN_PROGRESS, no resources); it was deleted"
        )
        return None, None
    deployed, repaired = _repair(cfn, found, interaction, production)
    if repaired:  # termination protection, say: the stack as it is now
        found = stacks.describe(cfn, stack)
    return found, deployed


def repair_protection(
    cfn: Any,
    found: dict[str, Any] | None,
    interaction: Interaction,
    production: bool | None = None,
) -> None:
    """Repair the protection of a stack appstack deployed (its template records the phase);
    another tool's stack is left as it is."""
    _repair(cfn, found, interaction, production)


def _repair(
    cfn: Any, found: dict[str, Any] | None, interaction: Interaction, production: bool | None
) -> tuple[dict[str, Any] | None, bool]:
    """`repair_protection`; the deployed template it read (one GetTemplate serves the phase,
    the repair and the plan; None if there is none), and whether it changed the stack."""
    deployed = stacks.deployed_template(cfn, found)
    if found is None or stacks.deployed_phase(cfn, found, deployed or {}) is None:
        return deployed, False
    repaired = repair.repair(cfn, found, deployed, production=production)
    interaction.repairs(repaired.done, repaired.failed)
    return deployed, bool(repaired.done)


def check_lower(conn: Connection, target: Target, stack: str, found: dict[str, Any] | None) -> None:
    """A rollback goes down from the phase the stack is at; anything else is a mistake."""
    if found is None:
        raise stacks.StackNotFound(stack, conn.region)
    deployed = stacks.deployed_phase(conn.client("cloudformation"), found)
    if deployed is not None and target.phase >= deployed:
        lower = f"--to-phase {deployed - 1} or lower" if deployed > 1 else "it is at the lowest"
        raise UsageError(
            f"stack {stack} is at phase {deployed}, so a rollback to phase {target.phase} "
            f"would not go down ({lower}); to move up: appstack deploy {stack} "
            f"{target.env_name} --phase {target.phase}"
        )


@dataclass
class _Checking:
    """Checks under way: validate's findings, and preflight asking the account meanwhile."""

    request: Request
    interaction: Interaction
    validated: list[Finding]
    asked: background.Pending[tuple[list[Finding], dict[str, Any] | None]]

    def finish(self) -> dict[str, Any] | None:
        """Wait for preflight, show every finding, stop on any error; the stack as preflight
        found it (None: not deployed yet)."""
        preflighted, current = self.asked.result()
        findings = preflighted + self.validated
        self.interaction.findings(findings)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise stacks.DeployError(
                f"{len(errors)} check(s) failed before deploying {self.request.stack}; "
                "nothing was changed"
            )
        return current


def _checks(
    conn: Connection, request: Request, interaction: Interaction, found: dict[str, Any] | None
) -> _Checking:
    """Validate, with preflight asking the account meanwhile (it only reads); stop on any
    error of validate's (with preflight's findings). `found` is the stack as settled (None:
    not deployed yet), which preflight takes. `finish` the checks for preflight's answer."""
    target = request.target
    asked: background.Pending[tuple[list[Finding], dict[str, Any] | None]]
    if not request.preflight:
        asked = background.start(lambda: ([], found))
    elif isinstance(target, BaselineTarget):
        from appstack.checks import baseline_preflight

        asked = background.start(
            lambda: (baseline_preflight.ask_about(target, request.stack, conn, found), found)
        )
    else:
        from appstack.checks import preflight

        asked = background.start(
            lambda: (preflight.ask_about(target, request.stack, conn, found), found)
        )
    findings: list[Finding] = []
    if request.validate:
        from appstack.checks import validate  # imports cfn-lint only if it has to check

        if isinstance(request.target, BaselineTarget):
            findings = validate.validate_template(request.template, request.target.region)
        else:
            report = validate.validate(request.target, request.template)
            findings = report.findings
            if report.cached and report.checkers is not None:
                interaction.note(
                    f"template checked before by {report.checkers.describe()}: not checked "
                    "again (APPSTACK_NO_CACHE=1 checks it anyway)"
                )
    else:
        interaction.warning(
            "validation skipped: the template was NOT checked (cfn-lint, rules, checkov)"
        )
    checking = _Checking(request, interaction, findings, asked)
    if any(f.severity == "error" for f in findings):
        checking.finish()  # raises, with preflight's findings too
    return checking


def _preflight(target: Target | BaselineTarget) -> Callable[..., list[Finding]]:
    """The preflight of an environment, or of the account baseline: its findings for the
    stack as the caller described it."""
    if isinstance(target, BaselineTarget):
        from appstack.checks import baseline_preflight

        return baseline_preflight.ask_about
    from appstack.checks import preflight

    return preflight.ask_about


def new_environment(stack: str, region: str) -> str:
    return (
        f"{stack} is not deployed in {region}: this creates a new, empty environment there; "
        "one deployed in another Region (an earlier `region`) keeps running, with its data"
    )


def _confirm(
    conn: Connection,
    request: Request,
    change_set: changesets.ChangeSet,
    refused: list[str],
    interaction: Interaction,
) -> frozenset[str]:
    """Show the change and what it does to removed resources; refuse it or have it confirmed.

    Returns the removed resources whose deletion protection must be lifted first."""
    stack = request.stack
    if change_set.creating:
        interaction.note(new_environment(stack, conn.region))
    interaction.change(change_set)
    if refused:  # the caller discards the change set
        interaction.refusal(refused)
        raise stacks.DeployError(
            f"refused: {len(refused)} change(s) above would lose data, interrupt users or "
            "cannot run; nothing was changed. Follow the safe path named, or pass the flag "
            "named if you mean it"
        )
    lift = frozenset(r.logical_id for r in change_set.removals if r.deletion_protected)
    if not request.yes:
        if not interaction.can_ask():
            raise stacks.DeployError("no terminal to confirm on: pass --yes to deploy")
        question = f"Deploy these changes to {stack}?"
        if lift:
            question = (
                f"Lift the deletion protection of {', '.join(sorted(lift))}, then deploy "
                f"these changes to {stack}?"
            )
        if not interaction.confirm(question):
            raise Declined(f"declined: nothing was changed in {stack}")
    return lift


def _lift_protection(
    conn: Connection,
    request: Request,
    template: dict[str, Any],
    shown: changesets.ChangeSet,
    lift: frozenset[str],
    interaction: Interaction,
) -> changesets.ChangeSet:
    """Run the update that lifts deletion protection, then make the confirmed change again
    (executing one change set deletes the stack's others) and check it is the one shown."""
    stack, names = request.stack, ", ".join(sorted(lift))
    stacks.discard(conn, shown)
    lifting = functools.partial(stacks.set_deletion_protection, conn, stack, set(lift), False)
    try:
        lifted = follow(interaction, stack, len(lift), lifting)
    except KeyboardInterrupt:
        interaction.note(
            f"stopped while lifting deletion protection of {names}; nothing was removed. Once "
            "it is done (appstack watch), run the same command again to remove them, or "
            "deploy the current phase to protect them again"
        )
        raise
    if not lifted.ok:
        interaction.outcome(lifted)
        raise stacks.DeployError(
            f"lifting deletion protection of {names} failed; nothing was removed"
        )
    interaction.success(f"{stack}: deletion protection lifted on {names}")
    change_set, risks = stacks.plan(
        conn,
        stack,
        stacks.current(conn, stack),
        template,
        request.allow_data_loss,
        request.allow_outage,
        request.target.tags,
    )
    planned = {(c.action, c.logical_id) for c in shown.changes}
    if risks or {(c.action, c.logical_id) for c in change_set.changes} - planned:
        stacks.discard(conn, change_set)
        raise stacks.DeployError(
            f"the change to {stack} is no longer the one confirmed; nothing was removed. "
            f"Run the command again to see the change as it is now"
        )
    return change_set


def _restore_protection(
    conn: Connection, stack: str, lift: frozenset[str], interaction: Interaction
) -> None:
    """The removal failed and was rolled back: protect what was to be removed again."""
    names = ", ".join(sorted(lift))
    restore = functools.partial(stacks.set_deletion_protection, conn, stack, set(lift), True)
    restored = follow(interaction, stack, len(lift), restore)
    if restored.ok:
        interaction.success(f"{stack}: deletion protection back on {names}")
    else:
        interaction.warning(
            f"deletion protection of {names} is still off: deploy the current phase to turn "
            "it back on"
        )


@dataclass
class Preview:
    """What deploying a template would do, found without changing anything."""

    #: What preflight found in the account (deploy would stop on its errors).
    findings: list[Finding]
    #: The change set, classified; already deleted.
    change_set: changesets.ChangeSet
    #: What deploy would refuse, before changing anything.
    refused: list[str]
    #: The template as the connection runs it, and the notes on what that changed.
    template: dict[str, Any]
    notes: list[str]
    #: The deployed template (None: not deployed).
    previous: dict[str, Any] | None
    #: What the last drift detection found, which a change set does not see.
    drifted: str | None = None


def preview(
    conn: Connection, stack: str, target: Target | BaselineTarget, template: dict[str, Any]
) -> Preview:
    """Plan `template` for `stack` and delete the change set again. Preflight only reads:
    what it finds (a vpc_cidr the deployed VPC cannot take, ...) is what a deploy would stop
    on, so the preview says it first. An environment keeps the image a build deployed, as
    its deploy does."""
    current = stacks.describe(conn.client("cloudformation"), stack)
    found = _preflight(target)(target, stack, conn, current)
    if isinstance(target, Target):
        template = images.keep_built(template, current)
    prepared, notes = conn.prepare(template)
    previous = stacks.deployed_template(conn.client("cloudformation"), current)
    change_set, refused = stacks.plan(
        conn, stack, current, prepared, tags=target.tags, deployed=previous
    )
    if not change_set.empty:  # an empty one is deleted already (or was never made)
        stacks.discard(conn, change_set)
    return Preview(found, change_set, refused, prepared, notes, previous, drift.warning(current))
