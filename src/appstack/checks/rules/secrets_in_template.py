"""AS001: no secret travels in a parameter or a literal; it comes from Secrets Manager."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.rules.base import ResourceRule, rule
from appstack.template import Template, properties

_SECRET_NAME = re.compile(r"(password|passwd|secret|token|apikey|api_key|privatekey)", re.I)
_DYNAMIC_REFERENCE = re.compile(r"^\{\{resolve:(secretsmanager|ssm-secure):")


@rule(
    "AS001",
    "No secret in a parameter or a literal property value",
    "generate the value in AWS::SecretsManager::Secret (GenerateSecretString) and use "
    "a {{resolve:secretsmanager:...}} dynamic reference",
)
class NoSecretInTemplate(ResourceRule):
    def check(self, template: Template) -> list[Finding]:
        parameters = [
            self.finding(name, f"parameter {name} carries a secret")
            for name in template.get("Parameters", {})
            if _SECRET_NAME.search(name)
        ]
        return parameters + super().check(template)

    def problems(self, logical_id: str, resource: dict[str, Any], _: Template) -> Iterator[str]:
        for path in _literal_secrets(properties(resource), ""):
            yield f"{path} is a literal secret value"


def _literal_secrets(value: Any, path: str) -> list[str]:
    hits: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else key
            if key == "GenerateSecretString":
                continue  # instructions to generate a secret, not a secret

            if (
                _SECRET_NAME.search(key)
                # `prefix:name` is a policy condition key (token.actions...:sub), not a secret
                and ":" not in key
                and isinstance(inner, str)
                and inner
                and not _DYNAMIC_REFERENCE.match(inner)
                and not key.endswith(("Arn", "Name", "Id", "Key"))
            ):
                hits.append(where)
            elif isinstance(inner, dict | list):
                hits += _literal_secrets(inner, where)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            hits += _literal_secrets(inner, f"{path}[{i}]")
    return hits
