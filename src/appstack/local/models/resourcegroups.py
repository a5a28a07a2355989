"""AWS::ResourceGroups::Group on moto's Resource Groups backend (ListGroups sees it)."""

from __future__ import annotations

import json
from typing import ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.resourcegroups.models import resourcegroups_backends

from appstack.local.models._base import BackendModel, Place, Props, model, tag_dict


@model("AWS::ResourceGroups::Group")
class ResourceGroup(BackendModel, CloudFormationModel, BaseModel):
    """A resource group; Ref is its name. A CloudFormation-stack query without a Query
    selects the stack that creates the group, as CloudFormation fills it in."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> ResourceGroup:
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
                    "StackIdentifier": at.stack_id,
                }
            )
        group = at.backend(resourcegroups_backends).create_group(
            name=name,
            resource_query=query,
            description=p.get("Description"),
            tags=tag_dict(p),
            configuration=p.get("Configuration"),
        )
        return cls(name, str(group.arn))

    def remove(self, at: Place) -> None:
        backend = at.backend(resourcegroups_backends)
        if self.physical_id in backend.groups:
            backend.delete_group(self.physical_id)
