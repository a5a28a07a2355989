"""Before a change set: each kept resource the stack holds keeps its deployed name.

The blueprint declares which parameter carries which resource's deployed name
(`blueprint.deployed_names`), with an empty Default: a new resource gets a name of its own.
Here the parameter gets its value for the stack as deployed:

- the stack does not hold the resource (a first deploy, or a phase-down removed it and kept
  it in the account): empty, so the one that comes back is a new one with a new name;
- the stack holds it and already has the parameter: the value it has, so the template stays
  as deployed (the name is never written another way, which CloudFormation could take for a
  change of a create-only property while the name comes from Fn::GetAtt);
- the stack holds it from a template without the parameter (an older appstack, which fixed
  the name): its physical id, which for the types declared is the name (their schema's
  primaryIdentifier), so CloudFormation resolves the same name and replaces nothing.

appstack passes no Parameters to CreateChangeSet, so every parameter takes its Default
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html);
the template CloudFormation keeps carries the value, and DescribeStacks answers it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from appstack.template import deployed_names


def keep(
    template: Mapping[str, Any],
    stack: Mapping[str, Any] | None,
    physical_ids: Callable[[], Mapping[str, str]],
) -> dict[str, Any]:
    """`template` with each declared deployed-name parameter set for `stack` (as described
    by DescribeStacks, None if not deployed); `physical_ids` (logical id -> physical id of
    the deployed stack's resources) is read only when the template declares such a name."""
    declared = deployed_names(template)
    if not declared:
        return dict(template)
    held = physical_ids() if stack is not None else {}
    values = {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in (stack or {}).get("Parameters", [])
    }
    kept = copy.deepcopy(dict(template))
    for parameter, logical_id in declared.items():
        if not held.get(logical_id):
            name = ""
        elif parameter in values:
            name = values[parameter]
        else:
            name = held[logical_id]
        kept["Parameters"][parameter]["Default"] = name
    return kept
