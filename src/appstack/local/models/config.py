"""AWS Config on moto's Config backend: the recorder, its delivery channel, and rules."""

from __future__ import annotations

import json
from collections.abc import Container
from typing import Any, ClassVar

from moto.config.models import config_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import (
    BackendModel,
    NameTaken,
    Place,
    Props,
    bounded_name,
    model,
    tag_list,
)


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys as the Config API's camelCase ones."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _rule(name: str, p: Props) -> dict[str, Any]:
    """The rule named `name` with properties `p`, as PutConfigRule takes it."""
    rule = {k: v for k, v in p.items() if k not in ("ConfigRuleName", "Tags")}
    if isinstance(rule.get("InputParameters"), dict):
        rule["InputParameters"] = json.dumps(rule["InputParameters"])
    return {"ConfigRuleName": name, **rule}


def _recorder(name: str, p: Props) -> dict[str, Any]:
    """The recorder named `name` with properties `p`, as PutConfigurationRecorder takes it."""
    recorder: dict[str, Any] = {"name": name, "roleARN": p.get("RoleARN")}
    if p.get("RecordingGroup"):
        recorder["recordingGroup"] = _camel(p["RecordingGroup"])
    return recorder


class _PutByName(BackendModel):
    """An AWS Config resource that one Put* call makes and changes, under its name (its Ref).
    Put* would overwrite a resource of that name, which CloudFormation's create refuses
    (NameTaken); an update puts it again under the same name. A subclass names the backend's
    map of its resources (`held_in`), and says how one is put and dropped (not `delete`:
    moto calls that on a stack's deletion)."""

    held_in: ClassVar[str]
    #: The longest name AWS Config takes for it.
    longest: ClassVar[int] = 256

    @classmethod
    def kept(cls, backend: Any) -> Container[str]:
        """The names of the resources of this type the backend holds."""
        held: Container[str] = getattr(backend, cls.held_in)
        return held

    @classmethod
    def put(cls, backend: Any, name: str, p: Props) -> None:
        raise NotImplementedError

    @staticmethod
    def drop(backend: Any, name: str) -> None:
        raise NotImplementedError

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> _PutByName:
        backend = at.backend(config_backends)
        name = bounded_name(name, cls.longest)
        if name in cls.kept(backend):
            raise NameTaken(cls.type_name, name)
        cls.put(backend, name, p)
        return cls.made(backend, name)

    @classmethod
    def made(cls, backend: Any, name: str) -> _PutByName:
        """The model of the resource just put under `name`."""
        return cls(name)

    def update(self, p: Props, at: Place) -> _PutByName:
        self.put(at.backend(config_backends), self.physical_id, p)
        return self

    def remove(self, at: Place) -> None:
        backend = at.backend(config_backends)
        if self.physical_id in self.kept(backend):
            self.drop(backend, self.physical_id)


@model("AWS::Config::ConfigurationRecorder")
class ConfigurationRecorder(_PutByName, CloudFormationModel, BaseModel):
    """AWS::Config::ConfigurationRecorder. It starts recording once a delivery channel
    exists, as CloudFormation starts it."""

    held_in = "recorders"

    @classmethod
    def put(cls, backend: Any, name: str, p: Props) -> None:
        """PutConfigurationRecorder with the role and recording group."""
        fresh = name not in backend.recorders
        backend.put_configuration_recorder(_recorder(name, p))
        if fresh and backend.delivery_channels:
            backend.start_configuration_recorder(name)

    @staticmethod
    def drop(backend: Any, name: str) -> None:
        backend.stop_configuration_recorder(name)
        backend.delete_configuration_recorder(name)


@model("AWS::Config::DeliveryChannel")
class DeliveryChannel(_PutByName, CloudFormationModel, BaseModel):
    """AWS::Config::DeliveryChannel. Recorders start with it and stop without it."""

    held_in = "delivery_channels"

    @classmethod
    def put(cls, backend: Any, name: str, p: Props) -> None:
        """PutDeliveryChannel, which also changes an existing channel's bucket and topic
        (https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html)."""
        channel = {k: v for k, v in _camel(p).items() if k != "name"}
        backend.put_delivery_channel({"name": name, **channel})
        for recorder in list(backend.recorders):
            backend.start_configuration_recorder(recorder)

    @staticmethod
    def drop(backend: Any, name: str) -> None:
        for recorder in list(backend.recorders):
            backend.stop_configuration_recorder(recorder)
        backend.delete_delivery_channel(name)


@model("AWS::Config::ConfigRule")
class ConfigRule(_PutByName, CloudFormationModel, BaseModel):
    """AWS::Config::ConfigRule. An update keeps its name, ARN and id."""

    held_in = "config_rules"
    longest = 128
    attributes: ClassVar[dict[str, str]] = {"Arn": "arn", "ConfigRuleId": "rule_id"}

    def __init__(self, name: str, arn: str, rule_id: str) -> None:
        super().__init__(name, arn)
        self.rule_id = rule_id

    @classmethod
    def made(cls, backend: Any, name: str) -> ConfigRule:
        created = backend.config_rules[name]
        return cls(name, created.config_rule_arn, created.config_rule_id)

    @classmethod
    def put(cls, backend: Any, name: str, p: Props) -> None:
        backend.put_config_rule(_rule(name, p), tag_list(p))

    @staticmethod
    def drop(backend: Any, name: str) -> None:
        backend.delete_config_rule(name)
