"""EM470: a change set that changes the stack's tags modifies every resource that takes them.

CreateChangeSet's `Tags` are the stack's tags once the change set runs, and "CloudFormation
also propagates these tags to resources in the stack"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
So a change set whose Tags differ from the stack's has changes though its template and
parameters are the same: each resource whose tags the new stack tags change is a `Modify`
with `Scope: ["Tags"]`, `Replacement: "False"` and one `Details` entry whose `Target` is
`{"Attribute": "Tags", "RequiresRecreation": "Never"}` and whose `Evaluation` is `Static`
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html).
It has no `ChangeSource`: none of the five groups of
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
(references, attributes, a direct modification of the template, nested stacks) is a stack
tag, and CloudFormation leaves it out (as tools that test against it observe,
connec/cloudformatious `changes_tags_only`). A resource whose template changes too carries
both: `Scope: ["Properties", "Tags"]`, and its Properties entries beside the Tags one.

The resources that take tags are those the template gives a `Tags` list (EM451 copies the
stack's tags onto the same ones); a tag the template sets itself keeps the template's value,
so a resource the new stack tags do not change is not listed. Not modelled: a resource of a
type that takes tags (its registry schema says `"taggable": true`, e.g. a CloudWatch alarm)
whose template gives it no Tags list; AWS tags it and lists it, the emulator does neither.
Without Tags, a change set leaves the stack's tags as they are (moto cannot tell an empty
Tags list from none). moto 5.2.5 compares the template and the parameters only: it lists
nothing and ends such a change set FAILED ("didn't contain changes"); this rule lists the
rows and makes it executable. DescribeChangeSet answers its Tags (moto answered none).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em100_update_lifecycle import physical_id_of
from appstack.local.fidelity.em451_stack_tags_propagate import with_stack_tags

SOURCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html"
#: What the StatusReason of a change set that changes nothing says.
NO_CHANGES = "didn't contain changes"


def takes_tags(resource_json: Any) -> bool:
    """The template gives the resource a Tags list (CloudFormation copies the stack's onto it)."""
    properties = resource_json.get("Properties") if isinstance(resource_json, dict) else None
    return isinstance(properties, dict) and isinstance(properties.get("Tags"), list)


def effective_tags(resource_json: dict[str, Any], stack_tags: dict[str, str]) -> dict[str, str]:
    """The tags the resource carries: its template's, and the stack's it does not set itself."""
    if not takes_tags(resource_json):
        return {}
    tags = with_stack_tags(resource_json, stack_tags)["Properties"]["Tags"]
    return {
        str(t["Key"]): str(t.get("Value", ""))
        for t in tags
        if isinstance(t, dict) and isinstance(t.get("Key"), str)
    }


def retagged_by_stack(
    old: dict[str, Any], new: dict[str, Any], old_tags: dict[str, str], new_tags: dict[str, str]
) -> list[str]:
    """The resources (of `new`, already in `old`) whose tags the change of the stack's tags
    from `old_tags` to `new_tags` changes, in the template's order."""
    return [
        name
        for name, body in new.items()
        if name in old and effective_tags(body, old_tags) != effective_tags(body, new_tags)
    ]


def tags_detail() -> dict[str, Any]:
    """The Details entry of a change of the resource's tags by the stack's."""
    return {"Target": {"Attribute": "Tags", "RequiresRecreation": "Never"}, "Evaluation": "Static"}


def add_tag_changes(change_set: Any, stack: Any) -> bool:
    """Add the Tags rows of `change_set` (an UPDATE of `stack`) to its changes; True when its
    Tags change the stack's."""
    from moto.cloudformation.models import Change

    given = change_set.tags or {}
    if not given or given == (stack.tags or {}):
        return False
    resource_map = stack.resource_map
    new = (change_set.template_dict or {}).get("Resources", {}) or {}
    listed = {c.logical_resource_id: c for c in change_set.changes}
    for name in retagged_by_stack(resource_map._resource_json_map, new, stack.tags or {}, given):
        change = listed.get(name)
        if change is not None and change.action == "Modify":
            row = vars(change)
            row["scope"] = [*(row.get("scope") or []), "Tags"]
            row["details"] = [*(row.get("details") or []), tags_detail()]
            row.setdefault("replacement", "False")
            continue
        if change is not None:  # added or removed: its tags come with it
            continue
        change = Change("Modify", name, new[name]["Type"])
        vars(change).update(
            physical_resource_id=physical_id_of(resource_map._parsed_resources.get(name)),
            replacement="False",
            scope=["Tags"],
            details=[tags_detail()],
        )
        change_set.changes.append(change)
    return True


@rule(
    "EM470",
    "A change set that changes the stack's tags modifies each resource that takes them "
    '(Scope ["Tags"]), and runs though template and parameters are the same',
    SOURCE,
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse, transform_dict

    # DescribeChangeSet answers the Tags the stack takes when the change set runs (moto
    # answered none: it did not turn its dict of tags into the Tag list).
    def tag_list(tags: dict[str, str] | None) -> list[dict[str, str]]:
        return transform_dict(tags or {})

    CloudFormationResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["DescribeChangeSetOutput.Tags"] = (
        tag_list
    )

    original = CloudFormationBackend.create_change_set

    def create_change_set(self: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
        change_set_id, stack_id = original(self, *args, **kwargs)
        change_set = self.change_sets.get(change_set_id)
        stack = self.stacks.get(stack_id)
        if change_set is None or stack is None or change_set.change_set_type != "UPDATE":
            return change_set_id, stack_id
        unchanged = change_set.status == "FAILED" and NO_CHANGES in (change_set.status_reason or "")
        if add_tag_changes(change_set, stack) and unchanged:
            # The submitted tags are a change: the change set is made, and it runs.
            change_set.status = "CREATE_COMPLETE"
            change_set.execution_status = "AVAILABLE"
            change_set.status_reason = None
        return change_set_id, stack_id

    setattr(CloudFormationBackend, "create_change_set", create_change_set)  # noqa: B010
