"""EM471: an update with new stack tags retags the stack and its resources.

Executing a change set whose Tags differ from the stack's, or UpdateStack with `Tags`, makes
those the stack's tags ("If you don't specify this parameter, CloudFormation doesn't modify
the stack's tags") and CloudFormation "propagates these tags to supported resources in the
stack" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html):
each resource whose tags change is updated in place (UPDATE_IN_PROGRESS, UPDATE_COMPLETE),
a tag dropped from the stack is removed from it, a tag set outside CloudFormation stays, and
the stack ends UPDATE_COMPLETE. A failed update keeps the stack's previous tags.

moto 5.2.5 leaves the stack's tags as they were when a change set runs, and on UpdateStack
changes the stack's tags but no resource's ("TODO: update tags in the resource map"). Here the
resources that take tags (EM470's: a `Tags` list in the template) get theirs through their
service's own tagging (moto's TaggableResourcesMixin backends by ARN: EC2, DynamoDB, Logs,
SNS, KMS, S3, ECS, ELBv2, RDS, Secrets Manager and more; IAM roles and ECR repositories
through their own calls), so each service's ListTags answer shows them. A type none of those
reaches keeps its tags (the update still reports it); its tags are not modelled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em100_update_lifecycle import (
    physical_id_of,
    resource_diff,
    resource_event,
)
from appstack.local.fidelity.em470_tags_only_change_sets import effective_tags

SOURCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html"


def arn_of(resource: Any, resource_type: str, account_id: str, region_name: str) -> str | None:
    """The ARN moto's tagging reaches the resource by, if it has one."""
    for attribute in ("table_arn", "arn"):
        value = getattr(resource, attribute, None)
        if isinstance(value, str) and value.startswith("arn:"):
            return value.removesuffix(":*")
    if resource_type.startswith("AWS::EC2::"):
        ec2_id = getattr(resource, "allocation_id", None) or getattr(resource, "id", None)
        if isinstance(ec2_id, str):
            return f"arn:aws:ec2:{region_name}:{account_id}:resource/{ec2_id}"
    return None


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _own_tagging(resource: Any, resource_type: str, account_id: str, region_name: str) -> Any:
    """(tag, untag) of the services without moto's ARN tagging that appstack tags, or None."""
    if resource_type == "AWS::IAM::Role":
        from moto.iam.models import iam_backends

        iam = iam_backends[account_id]["global"]
        return (
            lambda tags: iam.tag_role(resource.name, _tag_list(tags)),
            lambda keys: iam.untag_role(resource.name, keys),
        )
    if resource_type == "AWS::ECR::Repository":
        from moto.ecr.models import ecr_backends

        ecr = ecr_backends[account_id][region_name]
        return (
            lambda tags: ecr.tag_resource(resource.arn, _tag_list(tags)),
            lambda keys: ecr.untag_resource(resource.arn, keys),
        )
    return None


def retag(
    resource: Any,
    resource_type: str,
    before: dict[str, str],
    after: dict[str, str],
    where: tuple[str, str],
) -> bool:
    """Give the resource the tags `after` where it had `before` (tags set outside the stack
    stay); False when no tagging of its service reaches it."""
    account_id, region_name = where
    dropped = sorted(set(before) - set(after))
    own = _own_tagging(resource, resource_type, account_id, region_name)
    if own is not None:
        tag, untag = own
        if dropped:
            untag(dropped)
        tag(after)
        return True
    arn = arn_of(resource, resource_type, account_id, region_name)
    if arn is None:
        return False
    from moto.resourcegroupstaggingapi.models import resourcegroupstaggingapi_backends

    tagging = resourcegroupstaggingapi_backends[account_id][region_name]
    missing = tagging.untag_resources([arn], dropped) if dropped else {}
    missing = missing or (tagging.tag_resources([arn], after) if after else {})
    return not missing


def retag_resources(
    resource_map: Any,
    old: dict[str, Any],
    old_tags: dict[str, str],
    updated: set[str],
) -> None:
    """After an update of `resource_map` from the resources `old` (with the stack's tags
    `old_tags`): give each resource it kept the tags it carries now; those the update did not
    already update report an update of their own."""
    new = resource_map._resource_json_map
    where = (resource_map._account_id, resource_map._region_name)
    for name, body in new.items():
        if name not in old:
            continue
        before = effective_tags(old[name], old_tags)
        after = effective_tags(body, resource_map.tags or {})
        resource = resource_map._parsed_resources.get(name)
        if before == after or resource is None or isinstance(resource, (str, int, float)):
            continue
        physical = physical_id_of(resource)
        if name not in updated:
            resource_event(resource_map, name, body["Type"], "UPDATE_IN_PROGRESS", None, physical)
        retag(resource, body["Type"], before, after, where)
        if name not in updated:
            resource_event(resource_map, name, body["Type"], "UPDATE_COMPLETE", None, physical)


@contextlib.contextmanager
def new_stack_tags(stack: Any, tags: dict[str, str] | None) -> Iterator[None]:
    """Within: the stack (and its resource map, which new resources read) has `tags` when
    given; a failed update (an error, or a stack rolled back) puts the previous ones back."""
    if not tags or tags == stack.tags:
        yield
        return
    previous = dict(stack.tags or {})
    resource_map = stack.resource_map
    resource_map.appstack_tags_before = previous
    stack.tags = resource_map.tags = dict(tags)
    failed = True
    try:
        yield
        failed = "ROLLBACK" in str(stack.status)
    finally:
        resource_map.appstack_tags_before = None
        if failed:
            stack.tags = resource_map.tags = previous


def _retagging_update(update: Callable[..., Any]) -> Callable[..., Any]:
    """ResourceMap.update that retags the resources it keeps once they are updated."""

    def retagging(self: Any, template: dict[str, Any], parameters: Any = None) -> Any:
        old_tags = getattr(self, "appstack_tags_before", None)
        old = dict(self._resource_json_map)
        updated = set(resource_diff(self, template, parameters)["Modify"])
        result = update(self, template, parameters)
        stack_tags_before = (self.tags or {}) if old_tags is None else old_tags
        retag_resources(self, old, stack_tags_before, updated)
        return result

    return retagging


@rule("EM471", "An update with new stack tags retags the stack and its resources", SOURCE)
def install() -> None:
    from moto.cloudformation.models import ChangeSet, Stack
    from moto.cloudformation.parsing import ResourceMap

    setattr(ResourceMap, "update", _retagging_update(ResourceMap.update))  # noqa: B010

    apply = ChangeSet.apply

    def apply_with_tags(self: Any) -> None:
        given = self.tags if self.change_set_type == "UPDATE" else None
        with new_stack_tags(self.stack, given):
            apply(self)

    stack_update = Stack.update

    def update_with_tags(self: Any, template: str, *args: Any, **kwargs: Any) -> None:
        tags = kwargs.get("tags", args[2] if len(args) > 2 else None)
        with new_stack_tags(self, tags):
            stack_update(self, template, *args, **kwargs)

    setattr(ChangeSet, "apply", apply_with_tags)  # noqa: B010
    setattr(Stack, "update", update_with_tags)  # noqa: B010
