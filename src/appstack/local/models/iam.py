"""AWS::IAM::OIDCProvider on moto's IAM backend (ListOpenIDConnectProviders sees it); Ref is
its ARN. ThumbprintList is optional: IAM secures the well-known providers (GitHub's among
them) with its own trusted certificate authorities and keeps no thumbprint for them.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html
"""

from __future__ import annotations

from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from appstack.local.models._base import BackendModel, tag_list


class OIDCProvider(BackendModel, CloudFormationModel, BaseModel):
    attributes: ClassVar[dict[str, str]] = {"Arn": "physical_id"}
    type_name = "AWS::IAM::OIDCProvider"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> OIDCProvider:
        backend = iam_backends[account_id][get_partition(region_name)]
        thumbprints = list(p.get("ThumbprintList", []))
        clients = list(p.get("ClientIdList", []))
        provider = backend.create_open_id_connect_provider(
            p["Url"], thumbprints, clients, tag_list(p)
        )
        return cls(provider.arn)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        backend.delete_open_id_connect_provider(self.physical_id)
