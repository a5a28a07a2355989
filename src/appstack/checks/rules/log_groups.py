"""AS006: every log group is encrypted with a KMS key and expires its logs."""

from __future__ import annotations

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule
from appstack.template import Template, resources


class LogGroupsEncryptedWithRetention(Rule):
    id = "AS006"
    description = "Log groups have a retention period and a customer-managed KMS key"
    fix = "set RetentionInDays and KmsKeyId (the environment's key)"

    def check(self, template: Template) -> list[Finding]:
        found = []
        for logical_id, group in resources(template, "AWS::Logs::LogGroup").items():
            properties = group.get("Properties", {})
            missing = [p for p in ("RetentionInDays", "KmsKeyId") if p not in properties]
            if missing:
                found.append(self.finding(logical_id, f"has no {' and no '.join(missing)}"))
        return found
