"""Change sets: create, describe, execute, delete, and summarize what they change.

DescribeChangeSet answers its changes a page at a time (botocore's `describe_change_set`
paginator; NextToken past 100 changes): every page is read. A change set that changes only
Outputs is CREATE_COMPLETE with no Changes and still runs; only a FAILED one whose reason is
"no changes" means there is nothing to do.
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
"""

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
    from appstack.deploy.removals import Removal

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
    #: CloudFormation found nothing to change (FAILED, "didn't contain changes"). A change set
    #: without resource changes is not empty when its Outputs change: it still runs.
    unchanged: bool = False
    #: Every removed resource with what its removal does to it (kept, snapshot, deleted).
    removals: list[Removal] = field(default_factory=list)
    #: What each change means (the classifier's verdicts), once planned.
    verdicts: list[Verdict] = field(default_factory=list)
    #: Logical ids whose stack-policy protection --allow-data-loss lifts for this operation.
    lifted: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.unchanged

    @property
    def token(self) -> str:
        """The ClientRequestToken of its execution: the same on a retried call, so AWS
        knows it is one execution; the events of that execution carry it."""
        return self.name

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
    tags: dict[str, str] | None = None,
) -> ChangeSet:
    """Create a change set and wait until it is ready; an empty one is returned as empty.

    `tags` are the stack's: CloudFormation copies them onto every resource that takes tags
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html).
    Without them the stack keeps the tags it has."""
    name = f"appstack-{int(time.time())}-{uuid.uuid4().hex[:6]}"
    source: dict[str, Any] = (
        {"TemplateURL": template_url} if template_url else {"TemplateBody": compact(template)}
    )
    if tags:
        source["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
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
            return ChangeSet(stack_name, name, creating, unchanged=True)
        raise
    described = poll(lambda: _ready(cfn, stack_name, name))
    assert described is not None
    if described.get("Status") == "FAILED":
        reason = described.get("StatusReason", "")
        delete(cfn, stack_name, name)
        if _is_no_change(reason):
            return ChangeSet(stack_name, name, creating, unchanged=True)
        raise ChangeSetFailed(reason)
    return ChangeSet(stack_name, name, creating, _changes(_all_pages(cfn, stack_name, described)))


class ChangeSetFailed(Exception):
    pass


def _ready(cfn: Any, stack: str, name: str) -> dict[str, Any] | None:
    described: dict[str, Any] = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
    if described.get("Status") in ("CREATE_COMPLETE", "FAILED"):
        return described
    return None


def _all_pages(cfn: Any, stack: str, first: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes of every page, the first one (already read) included."""
    changes = list(first.get("Changes", []))
    token = first.get("NextToken")
    while token:
        page = cfn.describe_change_set(
            StackName=stack, ChangeSetName=first["ChangeSetName"], NextToken=token
        )
        changes += page.get("Changes", [])
        token = page.get("NextToken")
    return changes


def _changes(items: list[dict[str, Any]]) -> list[Change]:
    result = []
    for item in items:
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


def execution_status(cfn: Any, change_set: ChangeSet) -> str:
    """AVAILABLE when it can run; UNAVAILABLE, OBSOLETE (the stack changed since), or
    EXECUTE_* (it ran) otherwise. Raises ClientError when it no longer exists."""
    described = cfn.describe_change_set(
        StackName=change_set.stack_name, ChangeSetName=change_set.name
    )
    return str(described.get("ExecutionStatus", "UNAVAILABLE"))


def execute(cfn: Any, change_set: ChangeSet) -> None:
    """Run it, with its token: a call retried after a timeout is the same execution
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html)."""
    cfn.execute_change_set(
        StackName=change_set.stack_name,
        ChangeSetName=change_set.name,
        ClientRequestToken=change_set.token,
    )


def delete(cfn: Any, stack_name: str, name: str) -> None:
    with contextlib.suppress(ClientError):
        cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
