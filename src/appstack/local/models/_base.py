"""What every emulator model shares: moto's CloudFormation calls turned into `create(name,
p, at)`, `update(p, at)` and `remove(at)` (`at`: the account and Region, whose backend of a
service `Place.backend` finds), Ref and Fn::GetAtt from a declared table, keeping a resource
on update, placeholders for types without a moto backend, and the small conversions
CloudFormation properties need."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.data.physical_names import name_property
from appstack.template import properties

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


#: A resource's CloudFormation properties (moto adds StackId and LogicalId on create).
Props = dict[str, Any]


@dataclass(frozen=True)
class Place:
    """Where moto makes, changes or deletes a resource: the account and Region, and on
    create the stack that makes it."""

    account_id: str
    region_name: str
    stack_id: str = ""

    def backend(self, backends: Any) -> Any:
        """The backend of one moto service (its `<service>_backends`) for this account and
        Region."""
        return backends[self.account_id][self.region_name]


Declared = TypeVar("Declared", bound="_Declared")


class _Declared:
    """A CloudFormation type as moto reads it: its name in `type_name` (declared with
    `@model(...)`), and `create`, which makes the resource from its properties. The property
    that names the resource is data (`appstack.data.physical_names`), as for rule AS007."""

    type_name: ClassVar[str] = ""

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.type_name

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return name_property(cls.type_name)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        at = Place(account_id, region_name, str(kwargs.get("StackId", "")))
        return cls.create(resource_name, properties(cloudformation_json), at)

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> Any:
        """Make the resource named `name` (the physical name moto generated, or the one the
        template gives) with properties `p`."""
        raise NotImplementedError(cls.type_name)


def model(type_name: str) -> Callable[[type[Declared]], type[Declared]]:
    """Declare the decorated class the emulator's model of CloudFormation type `type_name`.
    moto finds a model only among the direct subclasses of its CloudFormationModel, so a
    class that does not name it as a base is refused, not silently left out."""

    def declare(cls: type[Declared]) -> type[Declared]:
        if CloudFormationModel not in cls.__bases__:
            raise TypeError(
                f"{cls.__name__}: a model of {type_name} must name CloudFormationModel (and "
                "BaseModel) as its bases, or moto never finds it"
            )
        cls.type_name = type_name
        return cls

    return declare


class _KeptAsCreated(_Declared):
    """The default of a model: an update keeps the resource as it is and a delete leaves the
    backend untouched. Models whose properties can change in place override `update` (the
    change reaches the service, as CloudFormation's update does), and models that live in a
    service override `remove`; changes that need a new resource never get here (fidelity
    EM102 replaces the resource instead)."""

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        return original_resource.update(
            properties(cloudformation_json), Place(account_id, region_name)
        )

    def update(self, p: Props, at: Place) -> Any:
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

    def delete(self, account_id: str, region_name: str) -> None:
        """What moto calls on a stack's delete."""
        self.remove(Place(account_id, region_name))

    def remove(self, at: Place) -> None:
        """Remove the resource from its service, quietly when it is gone already."""

    def is_created(self) -> bool:
        return True


class BackendModel(_KeptAsCreated):
    """A resource that lives in one of moto's service backends.

    `physical_id` is what `Ref` returns, `arn` its ARN where the type has one;
    `attributes` maps each `Fn::GetAtt` name to the instance attribute that answers it
    (a dotted path, such as `cluster.endpoint`, reads through the instance's attributes).
    """

    attributes: ClassVar[dict[str, str]] = {}

    def __init__(self, physical_id: str, arn: str = "") -> None:
        self.physical_id = physical_id
        self.arn = arn

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
        return attrgetter(self.attributes[attribute_name])(self)


def tag_list(props: Props, key: str = "Tags") -> list[dict[str, str]]:
    """CloudFormation's [{Key, Value}] tags, values as strings."""
    return [{"Key": t["Key"], "Value": str(t["Value"])} for t in props.get(key) or []]


def tag_dict(props: Props, key: str = "Tags") -> dict[str, str]:
    """The tags under `key` as a map, values as strings: from CloudFormation's
    [{Key, Value}] list, or from a map (as AWS::Backup writes its tags)."""
    value = props.get(key) or {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
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
    def create(cls, name: str, p: Props, at: Place) -> _Placeholder:
        return cls(name, at.region_name)


def _placeholder(type_name: str) -> type[_Placeholder]:
    name = "Placeholder" + type_name.replace("AWS::", "").replace("::", "")
    return model(type_name)(type(name, (_Placeholder, CloudFormationModel, BaseModel), {}))


PLACEHOLDERS: dict[str, type[_Placeholder]] = {t: _placeholder(t) for t in PLACEHOLDER_TYPES}
