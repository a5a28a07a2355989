"""Phases are presets of capabilities: each phase adds to the one below it."""

from __future__ import annotations

import pytest

from appstack import phases


@pytest.mark.parametrize("phase", phases.PHASES[1:])
def test_each_phase_has_everything_the_phase_below_has(phase: int) -> None:
    below = set(phases.capabilities(phase - 1))
    here = set(phases.capabilities(phase))
    assert below < here
    assert here - below == set(phases.PHASE_ADDS[phase])


def test_phase_1_is_the_foundation_and_phase_4_is_every_capability() -> None:
    assert set(phases.capabilities(1)) == phases.FOUNDATION
    assert phases.capabilities(4) == phases.ALL_CAPABILITIES


def test_a_feature_switches_a_capability_on_below_its_phase_or_off_at_it() -> None:
    assert "tracing" in phases.capabilities(1, {"tracing": True})
    assert "firewall" not in phases.capabilities(2, {"firewall": False})


def test_the_foundation_cannot_be_switched_off() -> None:
    assert set(phases.capabilities(1, {"network": False, "table": False})) == phases.FOUNDATION


def test_capabilities_come_in_build_order_whatever_the_order_of_the_features() -> None:
    chosen = phases.capabilities(1, {"backup": True, "database": True})
    assert chosen == tuple(c for c in phases.ALL_CAPABILITIES if c in chosen)
    assert chosen.index("database") < chosen.index("backup")  # backup covers the database
