"""AWS::ResourceGroups::Group on moto's Resource Groups backend (ListGroups sees it)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.resourcegroups.models import resourcegroups_backends

from appstack.local.models._base import BackendModel, tag_dict


class ResourceGroup(BackendModel, CloudFormationModel, BaseModel):
    """A resource group; Ref is its name. A CloudFormation-stack query without a Query
    selects the stack that creates the group, as CloudFormation fills it in."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    def __init__(self, name: str, arn: str) -> None:
        self.physical_id = name
        self.arn = arn

    type_name = "AWS::ResourceGroups::Group"
    name_property = "Name"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **stack: Any
    ) -> ResourceGroup:
        """The group; a stack query with no Query of its own names the stack that creates
        it."""
        query = dict(p.get("ResourceQuery") or {"Type": "CLOUDFORMATION_STACK_1_0"})
        if "Query" in query:
            if not isinstance(query["Query"], str):
                query["Query"] = json.dumps(query["Query"])
        else:
            query["Query"] = json.dumps(
                {
                    "ResourceTypeFilters": ["AWS::AllSupported"],
                    "StackIdentifier": stack.get("StackId", ""),
                }
            )
        group = resourcegroups_backends[account_id][region_name].create_group(
            name=resource_name,
            resource_query=query,
            description=p.get("Description"),
            tags=tag_dict(p),
            configuration=p.get("Configuration"),
        )
        return cls(resource_name, str(group.arn))

    def delete(self, account_id: str, region_name: str) -> None:
        backend = resourcegroups_backends[account_id][region_name]
        if self.physical_id in backend.groups:
            backend.delete_group(self.physical_id)
