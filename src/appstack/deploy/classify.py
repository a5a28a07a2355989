"""What each change of a change set means: in place, interrupting, replacing, or refused.

Every `plan` and `deploy` runs this on the change set CloudFormation computed. Whether a
change replaces a resource is what the change set reports (`Replacement`, and the
properties in `Details` that require recreation), never a guess from the templates. What a
replacement, removal or modification of a type means for users, data and traffic is data
(`data/changes.json`), and what holds data is the stateful table (`data/stateful.json`, the
one rule AS003 reads). The stack policy is built from the same verdicts, so the plan and the
policy can never disagree: a stateful replacement or deletion is refused up front, or, with
`--allow-data-loss`, its protection is lifted for exactly those logical ids for this operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from appstack.data import load
from appstack.data.stateful import deletes_by_choice, holds_data, keeps_data
from appstack.deploy.changesets import Change

IN_PLACE = "in place"
INTERRUPTING = "interrupting"
REPLACING = "replacing"
REFUSED = "refused"
KINDS = (IN_PLACE, INTERRUPTING, REPLACING, REFUSED)

ALLOW_DATA_LOSS = "--allow-data-loss"
ALLOW_OUTAGE = "--allow-outage"


def knowledge() -> dict[str, Any]:
    """What changes of each type mean (data/changes.json)."""
    return load("changes")


@dataclass(frozen=True)
class Verdict:
    """One change, what it means, and what lets it run."""

    change: Change
    kind: str
    effect: str
    safe_path: str = ""
    #: The flag that lets this change run (None: it runs as planned, or never, if refused).
    gate: str | None = None

    @property
    def blocks(self) -> bool:
        return self.kind == REFUSED or self.gate is not None

    @property
    def notable(self) -> bool:
        """Worth naming in a plan: anything but a plain add or in-place update."""
        return self.kind != IN_PLACE or bool(self.effect)

    def allowed(self, allow_data_loss: bool = False, allow_outage: bool = False) -> bool:
        if self.gate == ALLOW_DATA_LOSS:
            return allow_data_loss
        if self.gate == ALLOW_OUTAGE:
            return allow_outage
        return self.kind != REFUSED

    def sentence(self) -> str:
        """The refusal as one line: what, why, and the way forward."""
        what = f"{self.change.logical_id} ({self.change.resource_type})"
        forward = f"; {self.safe_path}" if self.safe_path else ""
        flag = f" (or pass {self.gate} if you mean it)" if self.gate else ""
        return f"{what}: {self.effect}{forward}{flag}"


@dataclass(frozen=True)
class Classification:
    verdicts: tuple[Verdict, ...]

    def blocking(self, allow_data_loss: bool = False, allow_outage: bool = False) -> list[Verdict]:
        """The verdicts that stop a deploy given the flags it was called with."""
        return [v for v in self.verdicts if not v.allowed(allow_data_loss, allow_outage)]

    def lifted(self, allow_data_loss: bool) -> list[str]:
        """Logical ids whose stack-policy protection this operation lifts: the stateful
        replacements and deletions --allow-data-loss let through, and nothing else."""
        if not allow_data_loss:
            return []
        return sorted(v.change.logical_id for v in self.verdicts if v.gate == ALLOW_DATA_LOSS)

    def notable(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.notable]


def _replaced_by(change: Change) -> str:
    """The properties that force the replacement, as the change set names them."""
    names = sorted(
        {
            d.name
            for d in change.details
            if d.attribute == "Properties" and d.requires_recreation in ("Always", "Conditionally")
        }
    )
    return ", ".join(names)


def _what_stays(resource: Mapping[str, Any], policy: str) -> str:
    value = resource.get(policy, "Delete")
    if value == "Snapshot":
        return "the old one is deleted after a final snapshot"
    if value in ("Retain", "RetainExceptOnCreate"):
        return "the old one is kept in the account, orphaned"
    return "the old one is deleted with its data"


def _stateful_replacement(change: Change, after: Mapping[str, Any]) -> Verdict:
    moves = knowledge()["stateful_replace"]
    forced = _replaced_by(change)
    because = f"{forced} cannot change in place, so " if forced else ""
    return Verdict(
        change,
        REFUSED,
        f"{because}it would be replaced and the application would switch to a new, empty "
        f"{change.resource_type.rsplit('::', 1)[-1]} ({_what_stays(after, 'UpdateReplacePolicy')})",
        f"to move data: {moves.get(change.resource_type, moves['default'])}",
        ALLOW_DATA_LOSS,
    )


def _from_table(change: Change, entry: Mapping[str, Any], **values: Any) -> Verdict:
    kind = str(entry["kind"]) if "kind" in entry else IN_PLACE
    gate = ALLOW_OUTAGE if kind == INTERRUPTING else None
    return Verdict(
        change,
        kind,
        str(entry["effect"]).format(**values),
        str(entry.get("safe_path", "")).format(**values),
        gate,
    )


def _types(template: Mapping[str, Any]) -> set[str]:
    return {r.get("Type", "") for r in template.get("Resources", {}).values()}


def _removal(
    change: Change, before: Mapping[str, Any], new: Mapping[str, Any], stateful: bool
) -> Verdict:
    """The verdict on removing a resource from the stack."""
    table = knowledge()
    guarded = table["remove"].get(change.resource_type, {}).get("when_property")
    if guarded and before.get("Properties", {}).get(guarded) is True:
        return _from_table(change, table["remove"][change.resource_type])
    if stateful:
        return _stateful_removal(change, before)
    entry = table["remove"].get(change.resource_type)
    if entry and entry.get("while_type_stays") not in (None, *_types(new)):
        entry = None  # removed together with what it serves: nothing is left degraded
    if entry and entry.get("last_of_type") and change.resource_type in _types(new):
        entry = None  # others of its type stay and take over
    if entry and "when_property" in entry:
        entry = None  # its property does not apply here
    return _from_table(change, entry) if entry else Verdict(change, IN_PLACE, "")


def _stateful_removal(change: Change, before: Mapping[str, Any]) -> Verdict:
    """The verdict on removing a resource that holds data: what its DeletionPolicy does."""
    if deletes_by_choice(before, "DeletionPolicy") and not keeps_data(before, "DeletionPolicy"):
        return Verdict(
            change,
            IN_PLACE,
            "deleted with its content (the template's DeletionPolicy Delete)",
            knowledge()["stateful_replace"].get(change.resource_type, ""),
        )
    if not keeps_data(before, "DeletionPolicy"):
        return Verdict(
            change,
            REFUSED,
            "it would be deleted with its data (DeletionPolicy "
            f"{before.get('DeletionPolicy', 'Delete')})",
            "keep the capability, or export the data first",
            ALLOW_DATA_LOSS,
        )
    kept = (
        "deleted after a final snapshot"
        if before.get("DeletionPolicy") == "Snapshot"
        else "kept in the account"
    )
    return Verdict(change, IN_PLACE, f"removed from the stack; its data is {kept}")


def _replacement(change: Change, before: Mapping[str, Any], stateful: bool) -> Verdict:
    """The verdict on a change the change set says replaces the resource."""
    table = knowledge()
    guarded = table["remove"].get(change.resource_type, {}).get("when_property")
    if stateful and guarded and before.get("Properties", {}).get(guarded) is True:
        # The old copy is deleted in the update's cleanup, which a deletion-protected
        # resource refuses: it would stay behind, running and out of the stack.
        return Verdict(
            change,
            REFUSED,
            f"it would be replaced, and the old copy has {guarded} on: CloudFormation "
            "cannot delete it, so it would stay behind, running and out of the stack, "
            "while the application switches to an empty new one",
            "keep the setting that forces the replacement as deployed",
        )
    if stateful:
        return _stateful_replacement(change, before)
    entry = table["replace"].get(change.resource_type)
    if entry:
        return _from_table(change, entry)
    return Verdict(change, REPLACING, "")


def _modification(
    change: Change, before: Mapping[str, Any], after: Mapping[str, Any], stateful: bool
) -> Verdict:
    """The verdict on an update in place: refused if it stops keeping data, flagged if it
    lowers a property the table names."""
    if stateful:
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if keeps_data(before, policy) and not keeps_data(after, policy):
                return Verdict(
                    change,
                    REFUSED,
                    f"it would lose its {policy} {before[policy]}: its data would no longer "
                    "be kept",
                    f"keep {policy} {before[policy]}",
                    ALLOW_DATA_LOSS,
                )
    entry = knowledge()["modify"].get(change.resource_type)
    if entry and "lowered" in entry:
        name = entry["lowered"]
        was = before.get("Properties", {}).get(name)
        now = after.get("Properties", {}).get(name)
        if isinstance(was, int) and isinstance(now, int) and now < was:
            return _from_table(change, entry, old=was, new=now)
    return Verdict(change, IN_PLACE, "")


def judge(change: Change, old: Mapping[str, Any], new: Mapping[str, Any]) -> Verdict:
    """The verdict on one change, given the deployed template and the new one."""
    before = {"Type": change.resource_type, **old.get("Resources", {}).get(change.logical_id, {})}
    after = {"Type": change.resource_type, **new.get("Resources", {}).get(change.logical_id, {})}
    stateful = holds_data(change.resource_type, before if change.action == "Remove" else after)
    if change.action == "Add":
        entry = knowledge()["add"].get(change.resource_type)
        if entry and entry.get("last_of_type") and change.resource_type in _types(old):
            entry = None  # one more of a type already there
        return _from_table(change, entry) if entry else Verdict(change, IN_PLACE, "")
    if change.action == "Remove":
        return _removal(change, before, new, stateful)
    if change.replacement in ("True", "Conditional"):
        return _replacement(change, before, stateful)
    return _modification(change, before, after, stateful)


def _same_rule(
    change: Change, removed: Sequence[Change], old: Mapping[str, Any], new: Mapping[str, Any]
) -> str | None:
    """The removed logical id that holds the very rule `change` adds, if any."""
    ignored = knowledge()["same_rule"]["ignored"].get(change.resource_type)
    if change.action != "Add" or ignored is None:
        return None

    def rule(template: Mapping[str, Any], name: str) -> dict[str, Any]:
        properties = template.get("Resources", {}).get(name, {}).get("Properties", {})
        return {k: v for k, v in properties.items() if k not in ignored}

    added = rule(new, change.logical_id)
    for gone in removed:
        if gone.resource_type == change.resource_type and rule(old, gone.logical_id) == added:
            return gone.logical_id
    return None


def classify(
    changes: Iterable[Change], old: Mapping[str, Any], new: Mapping[str, Any]
) -> Classification:
    """Every change of a change set, judged against the deployed and the new template.

    A rule added under a new logical id while its old id is removed is refused: the
    update would fail on the duplicate (ids by position made this common)."""
    changes = list(changes)
    removed = [c for c in changes if c.action == "Remove"]
    collision = knowledge()["same_rule"]
    verdicts = []
    for change in changes:
        held_by = _same_rule(change, removed, old, new)
        if held_by is None:
            verdicts.append(judge(change, old, new))
            continue
        words = {"old": held_by, "new": change.logical_id}
        verdicts.append(
            Verdict(
                change,
                REFUSED,
                collision["effect"].format(**words),
                collision["safe_path"].format(**words),
            )
        )
    return Classification(tuple(verdicts))


def sentences(verdicts: Sequence[Verdict]) -> list[str]:
    return [v.sentence() for v in verdicts]
