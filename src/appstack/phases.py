"""Phases are presets of capabilities: each phase adds to the one below it."""

from __future__ import annotations

from collections.abc import Mapping

#: The capabilities each phase adds, in the order they are built.
PHASE_ADDS: dict[int, tuple[str, ...]] = {
    1: ("network", "service", "table", "alarms"),
    2: ("database", "config", "firewall"),
    3: ("vpn", "cache", "tracing"),
    4: ("secrets", "audit", "insights", "backup"),
}

PHASES: tuple[int, ...] = tuple(sorted(PHASE_ADDS))

#: The foundation every environment has; `features:` cannot switch these off.
FOUNDATION: frozenset[str] = frozenset(PHASE_ADDS[1])

#: Every capability in build order.
ALL_CAPABILITIES: tuple[str, ...] = tuple(c for p in PHASES for c in PHASE_ADDS[p])


def capabilities(phase: int, features: Mapping[str, bool] | None = None) -> tuple[str, ...]:
    """The capabilities of `phase`, with per-environment `features` switched on or off.

    The result keeps build order, so a capability always comes after those it may use.
    """
    chosen = {c for p in PHASES if p <= phase for c in PHASE_ADDS[p]}
    for name, enabled in (features or {}).items():
        if enabled:
            chosen.add(name)
        elif name not in FOUNDATION:
            chosen.discard(name)
    return tuple(c for c in ALL_CAPABILITIES if c in chosen)
