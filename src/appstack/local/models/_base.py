"""What every emulator model shares: keeping a resource on update, placeholders for types
without a moto backend, and the small conversions CloudFormation properties need."""

from __future__ import annotations

import re
import uuid
from typing import Any, ClassVar

from moto.core.common_models import BaseModel, CloudFormationModel

#: Types recorded without a backend (moto 5.2.5 has no service behind them, or none for
#: this part of the service): they get a physical ID and nothing else.
PLACEHOLDER_TYPES: tuple[str, ...] = (
    "AWS::S3::BucketPolicy",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::VPNConnectionRoute",
    "AWS::EC2::VPNGatewayRoutePropagation",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::Backup::BackupSelection",
    "AWS::XRay::SamplingRule",
    "AWS::ApplicationInsights::Application",
)


class NameTaken(Exception):
    """The AlreadyExists error of a CloudFormation create handler: a resource of this type
    and name exists already (for APIs that would overwrite it, such as AWS Config's Put*).
    https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html
    """

    def __init__(self, type_name: str, identifier: str) -> None:
        super().__init__(
            f"Resource of type '{type_name}' with identifier '{identifier}' already exists."
        )


class _KeptAsCreated:
    """The default of a model: an update keeps the resource as it is and a delete leaves the
    backend untouched. Models whose properties can change in place override `update` (the
    change reaches the service, as CloudFormation's update does); changes that need a new
    resource never get here (fidelity EM102 replaces the resource instead).

    A model names its CloudFormation type in `type_name` and the property that names the
    resource in `name_property` ("" when CloudFormation always generates the name), and
    makes the resource in `create`, from the resource's properties."""

    type_name: ClassVar[str] = ""
    name_property: ClassVar[str] = ""

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.type_name

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.name_property

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        return cls.create(
            resource_name, properties(cloudformation_json), account_id, region_name, **kwargs
        )

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> Any:
        """Make the resource named `resource_name` (the physical name moto generated, or the
        one the template gives) with properties `p` (moto passes StackId and LogicalId too)."""
        raise NotImplementedError(cls.type_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        return original_resource.update(properties(cloudformation_json), account_id, region_name)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> Any:
        """Apply the new properties `p` to the resource; what answers for it after."""
        return self

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> None:
        return None

    def is_created(self) -> bool:
        return True


class BackendModel(_KeptAsCreated):
    """A resource that lives in one of moto's service backends.

    Updates keep it as created unless the model overrides them; `delete` (which moto's
    stack calls on the instance) removes it from the backend. `attributes` maps each
    `Fn::GetAtt` name to the instance attribute that answers it; `physical_id` is what
    `Ref` returns.
    """

    attributes: ClassVar[dict[str, str]] = {}
    physical_id: str = ""

    def __init__(self, physical_id: str) -> None:
        self.physical_id = physical_id

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.attributes:
            from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

            raise UnformattedGetAttTemplateException()
        return getattr(self, self.attributes[attribute_name])

    def delete(self, account_id: str, region_name: str) -> None:
        """Remove the resource from its backend (moto calls this on stack delete)."""


def properties(cloudformation_json: Any) -> dict[str, Any]:
    found: dict[str, Any] = cloudformation_json.get("Properties") or {}
    return found


def tag_list(props: dict[str, Any], key: str = "Tags") -> list[dict[str, str]]:
    """CloudFormation's [{Key, Value}] tags, values as strings."""
    return [{"Key": t["Key"], "Value": str(t["Value"])} for t in props.get(key) or []]


def tag_dict(props: dict[str, Any], key: str = "Tags") -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tag_list(props, key)}


def bounded_name(name: str, limit: int, pattern: str = r"[^a-zA-Z0-9-]") -> str:
    """A generated physical name cut to a service's limit, with the characters it refuses
    replaced by '-' (moto's generated names are `<stack>-<logical id>-<suffix>`)."""
    cleaned = re.sub(pattern, "-", name)
    if len(cleaned) <= limit:
        return cleaned
    return f"{cleaned[: limit - 9].rstrip('-')}-{uuid.uuid4().hex[:8]}"


class _Placeholder(_KeptAsCreated):
    """Behaviour of a placeholder; each type is a direct subclass of CloudFormationModel,
    because moto only looks at its direct subclasses."""

    def __init__(self, logical_id: str, region: str) -> None:
        self.logical_id = logical_id
        short = self.type_name.split("::")[-1].lower()
        self.physical_resource_id = f"{short}-{uuid.uuid4().hex[:12]}"
        self.arn = f"arn:aws:placeholder:{region}:123456789012:{short}/{self.physical_resource_id}"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.arn if attribute_name.endswith("Arn") else self.physical_resource_id

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> _Placeholder:
        return cls(resource_name, region_name)


def _placeholder(type_name: str) -> type[_Placeholder]:
    name = "Placeholder" + type_name.replace("AWS::", "").replace("::", "")
    return type(
        name,
        (_Placeholder, CloudFormationModel, BaseModel),
        {"type_name": type_name},
    )


PLACEHOLDERS: dict[str, type[_Placeholder]] = {t: _placeholder(t) for t in PLACEHOLDER_TYPES}
