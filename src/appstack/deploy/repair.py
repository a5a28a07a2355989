"""Protection of a deployed stack: find and repair what is missing or lower than it should be.

A stack appstack deploys carries two protections besides its template:

- its stack policy, denying Replace and Delete on every stateful resource of the deployed
  template (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html);
- in production, termination protection
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html).

Both are set by separate API calls around ExecuteChangeSet, so an interrupted deploy or
rollback (Ctrl-C, a killed process, a lost connection) can leave a stack without them, or
under the lower policy a rollback set just before it would have removed a database. Every
command that finds a stack at rest (`deploy`, `rollback`, `status`, `watch`, and `apply` once
its operation ends) calls `repair`, which reads what the deployed template needs and sets it.

Production is read from the deployed template itself: a template whose resources refuse
deletion (deletion protection, `data/deletion_protection.json`) belongs to a stack that
refuses deletion.
"""

from __future__ import annotations

import copy
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from appstack.data import load
from appstack.deploy import protection

#: What UpdateTerminationProtection may fail with where it is not available (the emulator
#: answers an HTML 500, which botocore cannot parse).
_CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError)
_DENIED = ("Update:Replace", "Update:Delete")


def _deletion_protection() -> dict[str, dict[str, str]]:
    types: dict[str, dict[str, str]] = load("deletion_protection")["types"]
    return types


def deletion_protected(resource: Mapping[str, Any]) -> bool:
    """Whether the resource, as the template declares it, refuses to be deleted."""
    spec = _deletion_protection().get(resource.get("Type", ""))
    properties = resource.get("Properties", {})
    if spec is None or not isinstance(properties, dict):
        return False
    if "property" in spec:
        return properties.get(spec["property"]) in (True, "true", "True")
    return any(
        a.get("Key") == spec["key"] and str(a.get("Value")).lower() == "true"
        for a in properties.get(spec["attributes"], [])
        if isinstance(a, dict)
    )


def with_deletion_protection(
    template: Mapping[str, Any], logical_ids: set[str], on: bool
) -> dict[str, Any]:
    """`template` with deletion protection switched on or off on `logical_ids`, nothing else
    changed."""
    lifted = copy.deepcopy(dict(template))
    for logical_id in logical_ids:
        resource = lifted["Resources"][logical_id]
        spec = _deletion_protection()[resource["Type"]]
        properties = resource.setdefault("Properties", {})
        if "property" in spec:
            properties[spec["property"]] = on
        else:
            for attribute in properties.get(spec["attributes"], []):
                if attribute.get("Key") == spec["key"]:
                    attribute["Value"] = str(on).lower()
    return lifted


def is_production(template: Mapping[str, Any]) -> bool:
    """A template with resources that refuse deletion is a production stack's."""
    return any(deletion_protected(r) for r in template.get("Resources", {}).values())


def denied(policy: str | None) -> set[tuple[str, str]]:
    """The (action, resource) pairs a stack policy denies; resource "*" stands for all."""
    if not policy:
        return set()
    try:
        statements = json.loads(policy).get("Statement", [])
    except (ValueError, AttributeError):
        return set()
    pairs = set()
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        targets = statement.get("Resource", [])
        targets = [targets] if isinstance(targets, str) else targets
        for action in _DENIED:
            if action in actions or "Update:*" in actions:
                pairs |= {(action, t) for t in targets}
    return pairs


def lacks(actual: str | None, expected: str) -> list[str]:
    """The resources `expected` protects that `actual` leaves open, by logical id."""
    have = denied(actual)
    open_ = {
        target
        for action, target in denied(expected)
        if (action, target) not in have and (action, "*") not in have
    }
    return sorted(t.removeprefix("LogicalResourceId/") for t in open_)


@dataclass
class Repairs:
    """What `repair` found wrong and set right, and what it could not."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def deployed_template(cfn: Any, stack_name: str) -> dict[str, Any]:
    """The template the stack runs, as GetTemplate answers it (a JSON text or, from some
    endpoints, already a mapping). `stacks.template_of` is this function."""
    body = cfn.get_template(StackName=stack_name)["TemplateBody"]
    return body if isinstance(body, dict) else dict(json.loads(body))


def at_rest(stack: Mapping[str, Any] | None) -> bool:
    """Whether the stack holds a deployed template and no operation runs on it."""
    if stack is None:
        return False
    status = str(stack.get("StackStatus", ""))
    return not status.endswith("_IN_PROGRESS") and status not in (
        "DELETE_COMPLETE",
        "ROLLBACK_COMPLETE",  # a failed creation: nothing to protect, only to delete
    )


class Unread(enum.Enum):
    """The stack policy was not read yet: `repair` reads it."""

    POLICY = "unread"


def repair(
    cfn: Any,
    stack: Mapping[str, Any],
    template: Mapping[str, Any] | None = None,
    production: bool | None = None,
    policy: str | Unread | None = Unread.POLICY,
) -> Repairs:
    """Give a stack at rest the protection its deployed template needs.

    `template` is the deployed template if the caller has it; `production` overrides what
    the template says (a deploy knows its environment); `policy` the stack's policy if the
    caller knows it without asking (None: it has none, as a stack just created), which
    spares a GetStackPolicy."""
    result = Repairs()
    if not at_rest(stack):
        return result
    name = stack["StackName"]
    if template is None:
        template = deployed_template(cfn, name)
    expected = protection.stack_policy(template)
    actual = (
        cfn.get_stack_policy(StackName=name).get("StackPolicyBody")
        if isinstance(policy, Unread)
        else policy
    )
    missing = lacks(actual, expected)
    if missing or not actual:
        cfn.set_stack_policy(StackName=name, StackPolicyBody=expected)
        result.done.append(
            f"{name}'s stack policy left {', '.join(missing)} open; it protects them again"
            if actual
            else f"{name} had no stack policy; it has the deployed template's now"
        )
    if production is None:
        production = is_production(template)
    if production:
        lifted = [
            logical_id
            for logical_id, resource in template.get("Resources", {}).items()
            if resource.get("Type") in _deletion_protection() and not deletion_protected(resource)
        ]
        if lifted:
            result.failed.append(
                f"{', '.join(lifted)} of {name} has deletion protection off (a rollback that "
                "stopped before removing it?): run that rollback again, or deploy the current "
                "phase to turn it back on"
            )
    if production and not stack.get("EnableTerminationProtection"):
        try:
            cfn.update_termination_protection(StackName=name, EnableTerminationProtection=True)
        except _CALL_ERRORS as exc:
            result.failed.append(f"termination protection not set: {exc}")
        else:
            result.done.append(f"{name} had no termination protection; it is on now")
    return result
