"""AS003: every resource that holds data says it keeps it on delete and on replace."""

from __future__ import annotations

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule
from appstack.data.stateful import explicit_only, keeps_data, stateful_types
from appstack.template import Template, resources


class StatefulResourcesKeepData(Rule):
    id = "AS003"
    description = "Stateful resources keep their data on delete and on replace"
    fix = (
        "set DeletionPolicy and UpdateReplacePolicy to Retain (or Snapshot where the type "
        "supports it)"
    )

    def check(self, template: Template) -> list[Finding]:
        found = []
        for logical_id, resource in resources(template, *stateful_types()).items():
            explicit = explicit_only(resource)
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
