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
    tag_list,
)


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys as the Config API's camelCase ones."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _unused(type_name: str, name: str, taken: Container[str]) -> str:
    """`name`, for a new recorder, channel or rule: AWS Config's Put* would overwrite the
    one of that name, which CloudFormation's create refuses."""
    if name in taken:
        raise NameTaken(type_name, name)
    return name


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


class ConfigurationRecorder(BackendModel, CloudFormationModel, BaseModel):
    """AWS::Config::ConfigurationRecorder; Ref is its name. It starts recording once a
    delivery channel exists, as CloudFormation starts it."""

    type_name = "AWS::Config::ConfigurationRecorder"
    name_property = "Name"

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> ConfigurationRecorder:
        backend = at.backend(config_backends)
        name = _unused(cls.type_name, bounded_name(name, 256), backend.recorders)
        backend.put_configuration_recorder(_recorder(name, p))
        if backend.delivery_channels:
            backend.start_configuration_recorder(name)
        return cls(name)

    def update(self, p: Props, at: Place) -> ConfigurationRecorder:
        """PutConfigurationRecorder again with the new role and recording group."""
        at.backend(config_backends).put_configuration_recorder(_recorder(self.physical_id, p))
        return self

    def remove(self, at: Place) -> None:
        backend = at.backend(config_backends)
        if self.physical_id in backend.recorders:
            backend.stop_configuration_recorder(self.physical_id)
            backend.delete_configuration_recorder(self.physical_id)


class DeliveryChannel(BackendModel, CloudFormationModel, BaseModel):
    """AWS::Config::DeliveryChannel; Ref is its name. Recorders start with it and stop
    without it."""

    type_name = "AWS::Config::DeliveryChannel"
    name_property = "Name"

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> DeliveryChannel:
        channel = {k: v for k, v in _camel(p).items() if k != "name"}
        backend = at.backend(config_backends)
        name = _unused(cls.type_name, bounded_name(name, 256), backend.delivery_channels)
        backend.put_delivery_channel({"name": name, **channel})
        for recorder in list(backend.recorders):
            backend.start_configuration_recorder(recorder)
        return cls(name)

    def remove(self, at: Place) -> None:
        backend = at.backend(config_backends)
        if self.physical_id in backend.delivery_channels:
            for recorder in list(backend.recorders):
                backend.stop_configuration_recorder(recorder)
            backend.delete_delivery_channel(self.physical_id)


class ConfigRule(BackendModel, CloudFormationModel, BaseModel):
    """AWS::Config::ConfigRule; Ref is its name. An update keeps its name, ARN and id."""

    type_name = "AWS::Config::ConfigRule"
    name_property = "ConfigRuleName"
    attributes: ClassVar[dict[str, str]] = {"Arn": "arn", "ConfigRuleId": "rule_id"}

    def __init__(self, name: str, arn: str, rule_id: str) -> None:
        super().__init__(name, arn)
        self.rule_id = rule_id

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> ConfigRule:
        backend = at.backend(config_backends)
        name = _unused(cls.type_name, bounded_name(name, 128), backend.config_rules)
        backend.put_config_rule(_rule(name, p), tag_list(p))
        created = backend.config_rules[name]
        return cls(name, created.config_rule_arn, created.config_rule_id)

    def update(self, p: Props, at: Place) -> ConfigRule:
        """PutConfigRule again, under the rule's name."""
        at.backend(config_backends).put_config_rule(_rule(self.physical_id, p))
        return self

    def remove(self, at: Place) -> None:
        backend = at.backend(config_backends)
        if self.physical_id in backend.config_rules:
            backend.delete_config_rule(self.physical_id)
