"""What holds data, and which policies keep it: the one table (`stateful.json`) that the
rule AS003, the data-loss guard, the stack policy and the removal plan all read.

DeletionPolicy and UpdateReplacePolicy:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appstack.data import load

#: Policies that leave the data behind (the resource itself, or a snapshot where the type
#: supports one).
KEEPS_DATA = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})


def stateful_types() -> dict[str, dict[str, Any]]:
    """Resource types that hold data, and whether they support the Snapshot policy."""
    types: dict[str, dict[str, Any]] = load("stateful")["types"]
    return types


def _in_cluster_exempt(resource: Mapping[str, Any], info: Mapping[str, Any]) -> bool:
    """An instance of a cluster: the cluster volume holds the data, the instance none."""
    in_cluster = bool(resource.get("Properties", {}).get("DBClusterIdentifier"))
    return bool(info.get("in_cluster_exempt")) and in_cluster


def holds_data(resource_type: str, resource: Mapping[str, Any]) -> bool:
    """Whether a resource holds data itself (an instance of an Aurora cluster does not)."""
    info = stateful_types().get(resource_type)
    return info is not None and not _in_cluster_exempt(resource, info)


def keeps_data(resource: Mapping[str, Any], attribute: str) -> bool:
    """Whether `attribute` (DeletionPolicy / UpdateReplacePolicy) keeps the resource's data."""
    info = stateful_types().get(resource.get("Type", ""))
    if info is None:
        return True
    if _in_cluster_exempt(resource, info):
        return True  # the cluster holds the data (and its snapshot); instances hold none
    policy = resource.get(attribute, "Delete")
    return policy in KEEPS_DATA and (policy != "Snapshot" or bool(info["snapshot"]))


def explicit_only(resource: Mapping[str, Any]) -> bool:
    """Whether the resource's policies need only be written down, and may delete: a type the
    table marks `keep: explicit` (a log group with a fixed name), or an instance of a
    cluster (which holds no data)."""
    info = stateful_types().get(resource.get("Type", ""))
    if info is None:
        return False
    return info.get("keep") == "explicit" or _in_cluster_exempt(resource, info)


def deletes_by_choice(resource: Mapping[str, Any], attribute: str) -> bool:
    """Whether the template says, explicitly, that this resource's data may go."""
    return attribute in resource and explicit_only(resource)
