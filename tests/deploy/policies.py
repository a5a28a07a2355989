"""Reading a stack's policy in tests: which resources it protects."""

from __future__ import annotations

import json
from typing import Any


def denied(cfn: Any, stack: str) -> set[str]:
    """The logical ids a stack's policy denies an update on (none if it has no policy)."""
    body = cfn.get_stack_policy(StackName=stack).get("StackPolicyBody")
    return {
        target.removeprefix("LogicalResourceId/")
        for statement in json.loads(body or '{"Statement": []}')["Statement"]
        if statement["Effect"] == "Deny"
        for target in statement["Resource"]
    }
