"""The firewall on moto's WAFv2 backend: AWS::WAFv2::WebACL, its association with the load
balancer (GetWebACLForResource answers) and its logging configuration."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel
from moto.wafv2.models import GLOBAL_REGION, wafv2_backends

from appstack.local.models._base import BackendModel, Place, Props, model, tag_list


def _backend(at: Place, scope: str) -> Any:
    """The backend of `scope`: the Region's (REGIONAL), or the global one (CLOUDFRONT)."""
    region = GLOBAL_REGION if scope == "CLOUDFRONT" else at.region_name
    return wafv2_backends[at.account_id][region]


def _backend_of(account_id: str, arn: str) -> Any:
    """The backend that holds the web ACL named by `arn` (regional, or global for CloudFront)."""
    return wafv2_backends[account_id][arn.split(":")[3] or GLOBAL_REGION]


@model("AWS::WAFv2::WebACL")
class WebACL(BackendModel, CloudFormationModel, BaseModel):
    """The web ACL; Ref is `name|id|scope`, as in CloudFormation."""

    attributes: ClassVar[dict[str, str]] = {
        "Arn": "arn",
        "Id": "acl_id",
        "LabelNamespace": "label_namespace",
        "Capacity": "capacity",
    }

    def __init__(self, acl: Any, scope: str) -> None:
        super().__init__(f"{acl.name}|{acl.id}|{scope}", str(acl.arn))
        self.name = str(acl.name)
        self.acl_id = str(acl.id)
        self.scope = scope
        self.label_namespace = str(acl.label_namespace)
        self.capacity = int(acl.capacity)

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> WebACL:
        scope = p.get("Scope", "REGIONAL")
        acl = _backend(at, scope).create_web_acl(
            name=name,
            visibility_config=p.get("VisibilityConfig", {}),
            default_action=p.get("DefaultAction", {}),
            scope=scope,
            description=p.get("Description", ""),
            tags=tag_list(p),
            rules=list(p.get("Rules", [])),
            association_config=p.get("AssociationConfig"),
            captcha_config=p.get("CaptchaConfig"),
            challenge_config=p.get("ChallengeConfig"),
            custom_response_bodies=p.get("CustomResponseBodies"),
            token_domains=p.get("TokenDomains"),
        )
        return cls(acl, scope)

    def update(self, p: Props, at: Place) -> WebACL:
        """UpdateWebACL with the new rules, default action and settings (Name and Scope
        replace the web ACL: fidelity EM102)."""
        backend = _backend(at, self.scope)
        acl = backend.wacls[self.arn]
        backend.update_web_acl(
            name=self.name,
            _id=self.acl_id,
            default_action=p.get("DefaultAction"),
            rules=list(p.get("Rules", [])),
            description=p.get("Description"),
            visibility_config=p.get("VisibilityConfig"),
            lock_token=acl.lock_token,
            custom_response_bodies=p.get("CustomResponseBodies"),
            captcha_config=p.get("CaptchaConfig"),
            challenge_config=p.get("ChallengeConfig"),
            token_domains=p.get("TokenDomains"),
            association_config=p.get("AssociationConfig"),
        )
        self.capacity = int(acl.capacity)
        return self

    def remove(self, at: Place) -> None:
        backend = _backend(at, self.scope)
        acl = backend.wacls.get(self.arn)
        if acl is not None:
            backend.delete_web_acl(self.name, self.scope, self.acl_id, acl.lock_token)


@model("AWS::WAFv2::WebACLAssociation")
class WebACLAssociation(BackendModel, CloudFormationModel, BaseModel):
    """AWS::WAFv2::WebACLAssociation: the web ACL guards the resource (a load balancer)."""

    def __init__(self, acl_arn: str, resource_arn: str) -> None:
        super().__init__(f"{resource_arn}|{acl_arn}")
        self.acl_arn = acl_arn
        self.resource_arn = resource_arn

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> WebACLAssociation:
        acl_arn, resource_arn = p["WebACLArn"], p["ResourceArn"]
        _backend_of(at.account_id, acl_arn).associate_web_acl(acl_arn, resource_arn)
        return cls(acl_arn, resource_arn)

    def remove(self, at: Place) -> None:
        _backend_of(at.account_id, self.acl_arn).disassociate_web_acl(self.resource_arn)


@model("AWS::WAFv2::LoggingConfiguration")
class WebACLLogging(BackendModel, CloudFormationModel, BaseModel):
    """AWS::WAFv2::LoggingConfiguration: where the web ACL's logs go."""

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> WebACLLogging:
        acl_arn = p["ResourceArn"]
        _backend_of(at.account_id, acl_arn).put_logging_configuration(
            arn=acl_arn,
            log_destination_configs=list(p.get("LogDestinationConfigs", [])),
            redacted_fields=p.get("RedactedFields"),
            managed_gy_firewall_manager=False,
            logging_filter=p.get("LoggingFilter"),
        )
        return cls(acl_arn)

    def remove(self, at: Place) -> None:
        backend = _backend_of(at.account_id, self.physical_id)
        if self.physical_id in backend.logging_configurations:
            backend.delete_logging_configuration(self.physical_id)
