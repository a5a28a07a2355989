"""AS003: every resource that holds data says it keeps it on delete and on replace."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as files
from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule, Template, resources

KEEPING = ("Retain", "RetainExceptOnCreate", "Snapshot")


@cache
def stateful_types() -> dict[str, dict[str, Any]]:
    """Resource types that hold data, and whether they support the Snapshot policy."""
    text = files.files("appstack.data").joinpath("stateful.json").read_text()
    types: dict[str, dict[str, Any]] = json.loads(text)["types"]
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
            for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
                if not keeps_data(resource, attribute):
                    policy = resource.get(attribute, "Delete (the default)")
                    found.append(
                        self.finding(
                            logical_id,
                            f"{resource['Type']} has {attribute} {policy}: its data would be lost",
                        )
                    )
        return found
