"""AS006: every log group is encrypted with a KMS key and expires its logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appstack.checks.rules.base import ResourceRule
from appstack.template import Template, properties


class LogGroupsEncryptedWithRetention(ResourceRule):
    id = "AS006"
    description = "Log groups have a retention period and a customer-managed KMS key"
    fix = "set RetentionInDays and KmsKeyId (the environment's key)"
    types = ("AWS::Logs::LogGroup",)

    def problems(self, logical_id: str, resource: dict[str, Any], _: Template) -> Iterator[str]:
        missing = [p for p in ("RetentionInDays", "KmsKeyId") if p not in properties(resource)]
        if missing:
            yield f"has no {' and no '.join(missing)}"
