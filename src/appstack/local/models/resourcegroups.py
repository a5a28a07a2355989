"""AWS::ResourceGroups::Group on moto's Resource Groups backend (ListGroups sees it)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.resourcegroups.models import resourcegroups_backends

from appstack.local.models._base import BackendModel, properties, tag_dict


class ResourceGroup(BackendModel, CloudFormationModel, BaseModel):
    """A resource group; Ref is its name. A CloudFormation-stack query without a Query
    selects the stack that creates the group, as CloudFormation fills it in."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    def __init__(self, name: str, arn: str) -> None:
        self.physical_id = name
        self.arn = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ResourceGroups::Group"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ResourceGroup:
        p = properties(cloudformation_json)
        query = dict(p.get("ResourceQuery") or {"Type": "CLOUDFORMATION_STACK_1_0"})
        if "Query" in query:
            if not isinstance(query["Query"], str):
                query["Query"] = json.dumps(query["Query"])
        else:
            query["Query"] = json.dumps(
                {
                    "ResourceTypeFilters": ["AWS::AllSupported"],
                    "StackIdentifier": kwargs.get("StackId", ""),
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
