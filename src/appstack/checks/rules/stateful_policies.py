"""AS003: every resource that holds data says it keeps it on delete and on replace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appstack.checks.rules.base import ResourceRule, rule
from appstack.data.stateful import explicit_only, keeps_data, stateful_types
from appstack.template import Template


@rule(
    "AS003",
    "Stateful resources keep their data on delete and on replace",
    "set DeletionPolicy and UpdateReplacePolicy to Retain (or Snapshot where the type supports it)",
)
class StatefulResourcesKeepData(ResourceRule):
    types = tuple(stateful_types())

    def problems(self, logical_id: str, resource: dict[str, Any], _: Template) -> Iterator[str]:
        explicit = explicit_only(resource)
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            if explicit and attribute not in resource:
                # What cfn-lint's I3011 asks: the decision written down, whatever it is.
                yield (
                    f"{resource['Type']} has no explicit {attribute}: say whether its data is "
                    "kept (Retain) or deleted (Delete)"
                )
            elif not explicit and not keeps_data(resource, attribute):
                policy = resource.get(attribute, "Delete (the default)")
                yield f"{resource['Type']} has {attribute} {policy}: its data would be lost"
