"""The property that names a resource, by CloudFormation type (data/physical_names.json): the
one home of this fact. Rule AS007 reads it (a retained resource must not fix that name), and
the emulator's models tell moto which property names their resources."""

from __future__ import annotations

from appstack.data import load


def name_properties() -> dict[str, str]:
    """The property that names a resource, by type."""
    names: dict[str, str] = load("physical_names")["name_property"]
    return names


def name_property(type_name: str) -> str:
    """The property that names a resource of `type_name` ("" when CloudFormation always
    generates the name)."""
    return name_properties().get(type_name, "")
