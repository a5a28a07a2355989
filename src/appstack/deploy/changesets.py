"""Change sets: create, describe, execute, delete, and summarize what they change."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from appstack.deploy.waiting import poll

if TYPE_CHECKING:
    from appstack.deploy.classify import Verdict

#: Largest TemplateBody CloudFormation accepts; bigger templates go through S3.
#: Source: CloudFormation quotas (template body size in a request: 51,200 bytes).
MAX_TEMPLATE_BODY = 51_200
NO_CHANGES = ("No updates are to be performed", "didn't contain changes")
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


@dataclass(frozen=True)
class Detail:
    """One entry of a resource change's Details: what changed and whether it recreates.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
    """

    attribute: str  # Properties | Metadata | CreationPolicy | UpdatePolicy | DeletionPolicy | ...
    name: str  # the property name, for Properties
    requires_recreation: str = "Never"  # Never | Conditionally | Always


@dataclass(frozen=True)
class Change:
    action: str  # Add | Modify | Remove
    logical_id: str
    resource_type: str
    replacement: str = "False"  # True | False | Conditional
    details: tuple[Detail, ...] = ()

    @property
    def kind(self) -> str:
        if self.action == "Modify" and self.replacement in ("True", "Conditional"):
            return "replace"
        return {"Add": "add", "Modify": "modify", "Remove": "remove"}.get(self.action, "modify")


@dataclass
class ChangeSet:
    stack_name: str
    name: str
    creating: bool
    changes: list[Change] = field(default_factory=list)
    #: Removed resources whose DeletionPolicy keeps them (and their data) in the account.
    kept: list[str] = field(default_factory=list)
    #: What each change means (the classifier's verdicts), once planned.
    verdicts: list[Verdict] = field(default_factory=list)
    #: Logical ids whose stack-policy protection --allow-data-loss lifts for this operation.
    lifted: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def compact(template: dict[str, Any]) -> str:
    return json.dumps(template, separators=(",", ":"))


def _is_no_change(message: str) -> bool:
    return any(text in message for text in NO_CHANGES)


def create(
    cfn: Any,
    stack_name: str,
    template: dict[str, Any],
    creating: bool,
    template_url: str | None = None,
) -> ChangeSet:
    """Create a change set and wait until it is ready; an empty one is returned as empty."""
    name = f"appstack-{int(time.time())}-{uuid.uuid4().hex[:6]}"
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": compact(template)}
    try:
        cfn.create_change_set(
            StackName=stack_name,
            ChangeSetName=name,
            ChangeSetType="CREATE" if creating else "UPDATE",
            Capabilities=CAPABILITIES,
            **source,
        )
    except ClientError as exc:
        if _is_no_change(str(exc)):
            return ChangeSet(stack_name, name, creating)
        raise
    described = poll(lambda: _ready(cfn, stack_name, name))
    assert described is not None
    if described.get("Status") == "FAILED":
        reason = described.get("StatusReason", "")
        delete(cfn, stack_name, name)
        if _is_no_change(reason):
            return ChangeSet(stack_name, name, creating)
        raise ChangeSetFailed(reason)
    return ChangeSet(stack_name, name, creating, _changes(described))


class ChangeSetFailed(Exception):
    pass


def _ready(cfn: Any, stack: str, name: str) -> dict[str, Any] | None:
    described: dict[str, Any] = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
    if described.get("Status") in ("CREATE_COMPLETE", "FAILED"):
        return described
    return None


def _changes(described: dict[str, Any]) -> list[Change]:
    result = []
    for item in described.get("Changes", []):
        rc = item.get("ResourceChange", {})
        result.append(
            Change(
                action=rc.get("Action", "Modify"),
                logical_id=rc.get("LogicalResourceId", ""),
                resource_type=rc.get("ResourceType", ""),
                replacement=str(rc.get("Replacement", "False")),
                details=tuple(
                    Detail(
                        d.get("Target", {}).get("Attribute", ""),
                        d.get("Target", {}).get("Name", ""),
                        d.get("Target", {}).get("RequiresRecreation", "Never"),
                    )
                    for d in rc.get("Details", [])
                ),
            )
        )
    return result


def execute(cfn: Any, change_set: ChangeSet) -> None:
    cfn.execute_change_set(StackName=change_set.stack_name, ChangeSetName=change_set.name)


def delete(cfn: Any, stack_name: str, name: str) -> None:
    with contextlib.suppress(ClientError):
        cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
