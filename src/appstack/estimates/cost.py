"""Monthly cost of an environment, read from its template and a price table. Never calls AWS.

A template's line items (`line_items`) at the prices of its Region (`prices`), with the cheaper
choices it leaves open (`hints`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from appstack.config import EnvironmentSettings
from appstack.estimates.hints import Hint, hints
from appstack.estimates.line_items import LINE_ITEMS, LineItem, Pricer
from appstack.estimates.prices import PriceTable
from appstack.template import Template


@dataclass(frozen=True)
class CostEstimate:
    region: str
    items: tuple[LineItem, ...]
    hints: tuple[Hint, ...] = ()
    unconfirmed: tuple[str, ...] = field(default=())

    @property
    def total(self) -> float:
        return sum(i.monthly for i in self.items)

    def by_capability(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for i in self.items:
            totals[i.capability] = totals.get(i.capability, 0.0) + i.monthly
        return totals


def estimate(template: Template, env: EnvironmentSettings, prices: PriceTable) -> CostEstimate:
    """The monthly cost of `template` for an environment's settings, at `prices`."""
    pricer = Pricer(prices, env.usage)
    items = [line for builder in LINE_ITEMS for line in builder(template, env, pricer)]
    unconfirmed = sorted({i.price_key for i in items if i.price_key and not i.confirmed})
    return CostEstimate(
        prices.region, tuple(items), tuple(hints(template, env, items, prices)), tuple(unconfirmed)
    )


@dataclass(frozen=True)
class PhaseCost:
    """The estimate of one phase, or why that phase cannot be built yet."""

    phase: int
    estimate: CostEstimate | None
    problem: str = ""
    #: Change from the phase below (None for the first phase or next to one not built).
    delta: float | None = None


def phase_costs(
    templates: Mapping[int, tuple[Template, EnvironmentSettings] | str], prices: PriceTable
) -> list[PhaseCost]:
    """Estimates of the phases' built templates (each with its environment's settings), or
    for a phase that could not be built, why; in the order given, with the change between."""
    results = [
        PhaseCost(phase, None, built)
        if isinstance(built, str)
        else PhaseCost(phase, estimate(built[0], built[1], prices))
        for phase, built in templates.items()
    ]
    return with_deltas(results)


def with_deltas(results: Iterable[PhaseCost]) -> list[PhaseCost]:
    """The phases with each one's change from the phase listed before it, when both are built."""
    out: list[PhaseCost] = []
    previous: PhaseCost | None = None
    for result in results:
        delta = None
        if result.estimate is not None and previous is not None and previous.estimate is not None:
            delta = result.estimate.total - previous.estimate.total
        out.append(PhaseCost(result.phase, result.estimate, result.problem, delta))
        previous = result
    return out
