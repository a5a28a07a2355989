"""What every check reports: one finding per problem, with the fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "informational"]


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "E3030" (cfn-lint) or "AS002" (appstack)
    severity: Severity
    resource: str  # logical ID, or "" for the template as a whole
    message: str
    fix: str = ""
