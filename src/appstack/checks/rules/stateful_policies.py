"""AS003: every resource that holds data says it keeps it on delete and on replace."""

from __future__ import annotations

from functools import cache
from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule, Template, resources
from appstack.data import load

KEEPING = ("Retain", "RetainExceptOnCreate", "Snapshot")


@cache
def stateful_types() -> dict[str, dict[str, Any]]:
    """Resource types that hold data, and whether they support the Snapshot policy."""
    types: dict[str, dict[str, Any]] = load("stateful")["types"]
    return types


def keeps_data(resource: dict[str, Any], attribute: str) -> bool:
    """Whether `attribute` (DeletionPolicy / UpdateReplacePolicy) keeps the resource's data."""
    info = stateful_types().get(resource.get("Type", ""))
    if info is None:
        return True
    if info.get("in_cluster_exempt") and resource.get("Properties", {}).get("DBClusterIdentifier"):
        return True  # the cluster holds the data (and its snapshot); instances hold none
    policy = resource.get(attribute, "Delete")
    return policy in KEEPING and (policy != "Snapshot" or bool(info["snapshot"]))


def deletes_by_choice(resource: dict[str, Any], attribute: str) -> bool:
    """Whether the template says, explicitly, that this resource's data may go: a type the
    table marks `keep: explicit` (a log group with a fixed name), or an instance of a
    cluster (which holds none)."""
    info = stateful_types().get(resource.get("Type", ""))
    if info is None or attribute not in resource:
        return False
    in_cluster = bool(resource.get("Properties", {}).get("DBClusterIdentifier"))
    return info.get("keep") == "explicit" or bool(info.get("in_cluster_exempt") and in_cluster)


class StatefulResourcesKeepData(Rule):
    id = "AS003"
    description = "Stateful resources keep their data on delete and on replace"
    fix = (
        "set DeletionPolicy and UpdateReplacePolicy to Retain (or Snapshot where the type "
        "supports it)"
    )

    def check(self, template: Template) -> list[Finding]:
        found = []
        for logical_id, resource in resources(template, *stateful_types()):
            info = stateful_types()[resource["Type"]]
            in_cluster = bool(resource.get("Properties", {}).get("DBClusterIdentifier"))
            explicit = info.get("keep") == "explicit" or (
                info.get("in_cluster_exempt") and in_cluster
            )
            for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
                if explicit:
                    # What cfn-lint's I3011 asks: the decision written down, whatever it is.
                    if attribute not in resource:
                        found.append(
                            self.finding(
                                logical_id,
                                f"{resource['Type']} has no explicit {attribute}: say whether "
                                "its data is kept (Retain) or deleted (Delete)",
                            )
                        )
                    continue
                if not keeps_data(resource, attribute):
                    policy = resource.get(attribute, "Delete (the default)")
                    found.append(
                        self.finding(
                            logical_id,
                            f"{resource['Type']} has {attribute} {policy}: its data would be lost",
                        )
                    )
        return found
