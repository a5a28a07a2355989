"""How long a deploy takes: the longest path through the template's dependency graph.

CloudFormation starts a resource as soon as everything it depends on is done, so the wall time of
a create is the heaviest chain of dependencies, each weighted by its type's typical duration
(`data/durations.json`). The walk is a topological order plus one pass of dynamic programming:
linear in resources + dependencies, never a walk over every path.

Edges come from Ref, Fn::GetAtt, Fn::Sub (`${X}` and `${X.Attr}`) and DependsOn; pseudo-parameters
and parameters are not resources and are ignored. Ref/GetAtt/Sub edges carry data and cannot be
removed; a DependsOn edge only orders, and one that waits on a slow resource is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from appstack.data import load
from appstack.errors import AppstackError
from appstack.template import Template, references

Action = Literal["create", "update", "delete"]
#: Kinds of dependency: "data" (Ref, GetAtt, Sub) or "order" (DependsOn only).
Kind = Literal["data", "order"]


class DependencyCycle(AppstackError):
    """The template's resources depend on each other in a circle; CloudFormation rejects it."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(
            "the template has a dependency cycle: "
            + " -> ".join([*cycle, cycle[0]])
            + "; break it by removing one Ref, GetAtt, Sub or DependsOn"
        )


@dataclass(frozen=True)
class Durations:
    default: Mapping[str, float]
    by_type: Mapping[str, Mapping[str, float]]
    slow_seconds: float
    source: str

    def seconds(self, resource_type: str, action: Action) -> float:
        return float(self.by_type.get(resource_type, self.default)[action])

    def known(self, resource_type: str) -> bool:
        return resource_type in self.by_type


@cache
def load_durations() -> Durations:
    data = load("durations")
    return Durations(
        data["default"], data["durations"], float(data["slow_seconds"]), data["source"]
    )


@dataclass(frozen=True)
class Step:
    """One resource on a path: starts at `start` s, ends at `finish` s after the deploy began."""

    logical_id: str
    resource_type: str
    seconds: float
    start: float
    finish: float


@dataclass(frozen=True)
class NeedlessWait:
    """A DependsOn on a slow resource whose value the waiting resource never uses."""

    waiter: str
    waits_on: str
    waits_on_type: str
    delay: float


@dataclass(frozen=True)
class Forecast:
    action: str
    total: float
    critical_path: tuple[Step, ...]
    floor: float
    floor_path: tuple[Step, ...]
    needless_waits: tuple[NeedlessWait, ...]
    resources: int
    counted: int
    cleanup: float = 0.0
    unknown_types: tuple[str, ...] = ()


# ---------------------------------------------------------------- graph


def dependencies(template: Template) -> dict[str, dict[str, Kind]]:
    """For each resource, the resources it depends on and how (data wins over order)."""
    names = set(template.get("Resources", {}))
    graph: dict[str, dict[str, Kind]] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        deps: dict[str, Kind] = {}
        depends_on = resource.get("DependsOn", [])
        for dep in [depends_on] if isinstance(depends_on, str) else depends_on:
            if dep in names:
                deps[dep] = "order"
        for key in ("Properties", "Metadata", "Condition", "UpdatePolicy", "CreationPolicy"):
            for dep in references(resource.get(key)):
                if dep in names:  # a resource naming itself is a cycle too
                    deps[dep] = "data"
        graph[logical_id] = deps
    return graph


def topological_order(deps: Mapping[str, Iterable[str]]) -> list[str]:
    """Resources so that each comes after what it depends on; DependencyCycle if impossible."""
    waiting = {node: len(set(d)) for node, d in deps.items()}
    dependents: dict[str, list[str]] = {node: [] for node in deps}
    for node, d in deps.items():
        for dep in set(d):
            dependents[dep].append(node)
    ready = [node for node, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for dependent in dependents[node]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    if len(order) < len(deps):
        raise DependencyCycle(find_cycle(deps, set(deps) - set(order)))
    return order


def find_cycle(deps: Mapping[str, Iterable[str]], among: set[str]) -> list[str]:
    """One cycle among the nodes `among` (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(among):
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, list[str]]] = [(root, sorted(set(deps[root]) & among))]
        state[root] = 1
        path.append(root)
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return path[path.index(nxt) :]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(set(deps[nxt]) & among)))
    return sorted(among)[:1]


def longest_path(
    deps: Mapping[str, Iterable[str]], weight: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, str | None]]:
    """Finish time of every node (its weight after its latest dependency) and its predecessor."""
    finish: dict[str, float] = {}
    before: dict[str, str | None] = {}
    for node in topological_order(deps):
        start, previous = 0.0, None
        for dep in deps[node]:
            if previous is None or finish[dep] > start:
                start, previous = finish[dep], dep
        finish[node] = start + weight.get(node, 0.0)
        before[node] = previous
    return finish, before


def _path(
    finish: Mapping[str, float],
    before: Mapping[str, str | None],
    weight: Mapping[str, float],
    types: Mapping[str, str],
) -> tuple[float, tuple[Step, ...]]:
    if not finish or max(finish.values()) == 0:
        return 0.0, ()
    end = max(sorted(finish), key=lambda n: finish[n])
    steps: list[Step] = []
    node: str | None = end
    while node is not None:
        seconds = weight.get(node, 0.0)
        steps.append(Step(node, types[node], seconds, finish[node] - seconds, finish[node]))
        node = before[node]
    steps.reverse()
    return finish[end], tuple(s for s in steps if s.seconds > 0)


# ---------------------------------------------------------------- forecast


def forecast(
    template: Template, previous: Template | None = None, durations: Durations | None = None
) -> Forecast:
    """Expected wall time to create `template`, or to update to it from `previous`.

    In an update only added resources (create time) and changed ones (update time) count;
    removed ones are deleted at the end (`cleanup`).
    """
    durations = durations or load_durations()
    resources_now: Mapping[str, Any] = template.get("Resources", {})
    types = {k: str(v.get("Type", "")) for k, v in resources_now.items()}
    old: Mapping[str, Any] = (previous or {}).get("Resources", {})
    weight: dict[str, float] = {}
    for logical_id, resource in resources_now.items():
        if (
            previous is None
            or logical_id not in old
            or old[logical_id].get("Type") != types[logical_id]
        ):
            weight[logical_id] = durations.seconds(types[logical_id], "create")
        elif old[logical_id] != resource:
            weight[logical_id] = durations.seconds(types[logical_id], "update")
        else:
            weight[logical_id] = 0.0
    graph = dependencies(template)
    finish, before = longest_path(graph, weight)
    total, critical = _path(finish, before, weight, types)

    data_only = {n: [d for d, kind in deps.items() if kind == "data"] for n, deps in graph.items()}
    floor_finish, floor_before = longest_path(data_only, weight)
    floor, floor_steps = _path(floor_finish, floor_before, weight, types)

    cleanup = 0.0
    if previous is not None:
        removed = {k for k in old if k not in resources_now}
        old_graph = dependencies(previous)
        removed_graph = {k: [d for d in old_graph[k] if d in removed] for k in removed}
        delete_weight = {
            k: durations.seconds(str(old[k].get("Type", "")), "delete") for k in removed
        }
        removed_finish, _ = longest_path(removed_graph, delete_weight)
        cleanup = max(removed_finish.values(), default=0.0)

    return Forecast(
        action="create" if previous is None else "update",
        total=total + cleanup,
        critical_path=critical,
        floor=floor,
        floor_path=floor_steps,
        needless_waits=tuple(_needless_waits(graph, finish, weight, types, durations)),
        resources=len(resources_now),
        counted=sum(1 for w in weight.values() if w > 0),
        cleanup=cleanup,
        unknown_types=tuple(sorted({t for t in types.values() if not durations.known(t)})),
    )


def _needless_waits(
    graph: Mapping[str, Mapping[str, Kind]],
    finish: Mapping[str, float],
    weight: Mapping[str, float],
    types: Mapping[str, str],
    durations: Durations,
) -> list[NeedlessWait]:
    """DependsOn edges to slow resources that delay the waiter and carry no data."""
    found: list[NeedlessWait] = []
    for node, deps in sorted(graph.items()):
        for dep, kind in sorted(deps.items()):
            if kind != "order" or durations.seconds(types[dep], "create") < durations.slow_seconds:
                continue
            other = max((finish[d] for d in deps if d != dep), default=0.0)
            delay = finish[dep] - other
            if delay > 0:
                found.append(NeedlessWait(node, dep, types[dep], delay))
    return found
