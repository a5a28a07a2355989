"""AWS::IAM::OIDCProvider on moto's IAM backend (ListOpenIDConnectProviders sees it); Ref is
its ARN. ThumbprintList is optional: IAM secures the well-known providers (GitHub's among
them) with its own trusted certificate authorities and keeps no thumbprint for them.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html
"""

from __future__ import annotations

from typing import ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from appstack.local.models._base import BackendModel, Place, Props, model, tag_list


@model("AWS::IAM::OIDCProvider")
class OIDCProvider(BackendModel, CloudFormationModel, BaseModel):
    attributes: ClassVar[dict[str, str]] = {"Arn": "physical_id"}

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> OIDCProvider:
        backend = iam_backends[at.account_id][get_partition(at.region_name)]
        thumbprints = list(p.get("ThumbprintList", []))
        clients = list(p.get("ClientIdList", []))
        provider = backend.create_open_id_connect_provider(
            p["Url"], thumbprints, clients, tag_list(p)
        )
        return cls(provider.arn)

    def remove(self, at: Place) -> None:
        backend = iam_backends[at.account_id][get_partition(at.region_name)]
        if self.physical_id in backend.open_id_providers:
            backend.delete_open_id_connect_provider(self.physical_id)
