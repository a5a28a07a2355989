"""Template transforms the emulator cannot run.

moto 5.2.5 runs no macro. The secrets rotation transforms (`AWS::SecretsManager-2024-09-16`
and the older `-2020-07-23`) only add the hosted rotation function; the emulator records
`AWS::SecretsManager::RotationSchedule` on its own, so these transforms are dropped there.
"""

from __future__ import annotations

import copy
from typing import Any

DROPPED_ON_EMULATOR = frozenset(
    {"AWS::SecretsManager-2024-09-16", "AWS::SecretsManager-2020-07-23"}
)


def for_emulator(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The template without the transforms the emulator cannot run, and a note per transform."""
    declared = template.get("Transform")
    if not declared:
        return template, []
    names = [declared] if isinstance(declared, str) else list(declared)
    dropped = [n for n in names if n in DROPPED_ON_EMULATOR]
    if not dropped:
        return template, []
    result = copy.deepcopy(template)
    kept = [n for n in names if n not in DROPPED_ON_EMULATOR]
    if kept:
        result["Transform"] = kept
    else:
        del result["Transform"]
    return result, [
        f"emulator: transform {n} is not run (rotation is recorded only)" for n in dropped
    ]
