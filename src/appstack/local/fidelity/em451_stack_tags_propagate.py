"""EM451: a stack's tags are copied onto the resources it creates.

"All stack-level tags ... are propagated to resources that CloudFormation supports": a tag
given to CreateStack or CreateChangeSet (Tags) ends up on the stack's table, log groups,
topics and the rest. moto 5.2.5 copies them onto EC2 resources only. The emulator copies
them onto every resource that declares a `Tags` list (appstack declares one on each resource
that takes tags); a tag the template itself sets on the resource keeps its value.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html

A change of the stack's tags is modelled by the rules that follow: the change set lists each
resource it retags (EM470), executing it retags them and removes a dropped tag (EM471), and
UpdateStack with new tags alone is an update (EM472).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule


def with_stack_tags(resource_json: dict[str, Any], stack_tags: dict[str, str]) -> dict[str, Any]:
    """`resource_json` with the stack's own tags (not the aws: ones) added to its Tags list."""
    properties = resource_json.get("Properties")
    if not isinstance(properties, dict):
        return resource_json
    tags = properties.get("Tags")
    if not isinstance(tags, list):
        return resource_json
    own = {t.get("Key") for t in tags if isinstance(t, dict)}
    added = [
        {"Key": key, "Value": value}
        for key, value in stack_tags.items()
        if key not in own and not key.startswith("aws:")
    ]
    if not added:
        return resource_json
    return {**resource_json, "Properties": {**properties, "Tags": [*tags, *added]}}


@rule(
    "EM451",
    "A stack's tags are copied onto the resources it creates",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html",
)
def install() -> None:
    from moto.cloudformation import parsing

    create = parsing.parse_and_create_resource

    def parse_and_create_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, *a: Any, **kw: Any
    ) -> Any:
        tagged = with_stack_tags(resource_json, resources_map.tags)
        return create(logical_id, tagged, resources_map, *a, **kw)

    setattr(parsing, "parse_and_create_resource", parse_and_create_resource)  # noqa: B010
