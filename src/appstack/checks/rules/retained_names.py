"""AS007: a resource kept on delete has no fixed name.

A resource with DeletionPolicy Retain outlives its place in the template: when a phase
change (or a destroy) removes it, AWS keeps it, and its name stays taken. Bringing it back
(deploying the higher phase again) then creates a second resource under the same name, which
AWS refuses (AlreadyExistsException) and the deploy rolls back. Names must be unique across
active stacks (CloudFormation resource custom naming,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).

A name is not fixed when it is built from a resource of the same template that CloudFormation
creates anew with it (not kept, not named itself), such as an IAM role's RoleId; nor when it
is the resource's own deployed name, from the parameter the template declares for it
(`blueprint.deployed_names`: the deploy fills it only while the stack holds the resource, so
a resource that comes back gets a new name). An `Fn::If` is not fixed when neither of its
branches is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appstack.checks.rules.base import ResourceRule, rule
from appstack.data.physical_names import name_properties
from appstack.template import Template, deployed_names, properties, references

KEPT = ("Retain", "RetainExceptOnCreate")


@rule(
    "AS007",
    "Resources kept on delete have no fixed name (they could not come back)",
    "leave the name to CloudFormation, or build it from a resource created with it "
    "(for example an IAM role's RoleId), so each creation gets its own",
)
class RetainedResourcesHaveNoFixedName(ResourceRule):
    types = tuple(name_properties())

    def problems(
        self, logical_id: str, resource: dict[str, Any], template: Template
    ) -> Iterator[str]:
        if resource.get("DeletionPolicy") not in KEPT:
            return
        prop = name_properties()[resource["Type"]]
        name = properties(resource).get(prop)
        if name is None:
            return
        own = {p for p, target in deployed_names(template).items() if target == logical_id}
        if not _not_fixed(name, own, template.get("Resources", {})):
            yield (
                f"{prop} is fixed and the resource is kept on delete: once a phase change "
                "removes it, deploying it again fails with AlreadyExists"
            )


def _not_fixed(name: Any, own_parameters: set[str], all_resources: dict[str, Any]) -> bool:
    """Whether `name` is new with each creation, or the resource's own deployed name."""
    if isinstance(name, dict) and list(name) == ["Fn::If"]:
        branches = name["Fn::If"][1:] if isinstance(name["Fn::If"], list) else []
        return len(branches) == 2 and all(
            _not_fixed(b, own_parameters, all_resources) for b in branches
        )
    if isinstance(name, dict) and list(name) == ["Ref"] and name["Ref"] in own_parameters:
        return True
    return _unique_per_creation(name, all_resources)


def _unique_per_creation(name: Any, all_resources: dict[str, Any]) -> bool:
    """Whether `name` refers to a resource that CloudFormation creates anew each time."""
    return any(_created_anew(all_resources.get(target)) for target in references(name))


def _created_anew(resource: Any) -> bool:
    if not isinstance(resource, dict) or resource.get("DeletionPolicy") in KEPT:
        return False
    prop = name_properties().get(resource.get("Type", ""))
    return prop is None or prop not in resource.get("Properties", {})
