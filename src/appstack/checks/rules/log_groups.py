"""AS006: every log group is encrypted with a KMS key and expires its logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appstack.checks.rules.base import ResourceRule, rule
from appstack.template import Template, properties


@rule(
    "AS006",
    "Log groups have a retention period and a customer-managed KMS key",
    "set RetentionInDays and KmsKeyId (the environment's key)",
)
class LogGroupsEncryptedWithRetention(ResourceRule):
    types = ("AWS::Logs::LogGroup",)

    def problems(self, logical_id: str, resource: dict[str, Any], _: Template) -> Iterator[str]:
        missing = [p for p in ("RetentionInDays", "KmsKeyId") if p not in properties(resource)]
        if missing:
            yield f"has no {' and no '.join(missing)}"
