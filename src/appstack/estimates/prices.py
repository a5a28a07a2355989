"""Price tables: `data/prices/<region>.json`, one price a key, each with its unit, source,
date and how sure it is (`status`). None is written in code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from appstack.data import load, names
from appstack.errors import UsageError

#: The statuses of a price checked against AWS's own pages (or two agreeing third parties);
#: the others are shown as unconfirmed.
CONFIRMED = frozenset({"confirmed", "third-party-agree", "confirmed-cap"})


@dataclass(frozen=True)
class Price:
    key: str
    usd: float
    unit: str
    status: str
    source: str
    date: str


@dataclass(frozen=True)
class PriceTable:
    region: str
    currency: str
    hours_per_month: float
    prices: Mapping[str, Price]

    def get(self, key: str) -> Price | None:
        return self.prices.get(key)

    def usd(self, key: str) -> float:
        price = self.prices.get(key)
        if price is None:
            raise KeyError(f"no price {key!r} in data/prices/{self.region}.json")
        return price.usd


def available_regions() -> list[str]:
    return [name.removeprefix("prices/") for name in names("prices")]


@cache
def load_prices(region: str) -> PriceTable:
    """The price table of `region`; UsageError naming the known regions when there is none."""
    if region not in available_regions():
        raise UsageError(
            f"no price table for region {region!r}; appstack has prices for "
            f"{', '.join(available_regions())} (use --region, or add "
            f"src/appstack/data/prices/{region}.json with a source per price)"
        )
    data = load(f"prices/{region}")
    prices = {
        key: Price(key, float(p["usd"]), p["unit"], p["status"], p["source"], p.get("date", ""))
        for key, p in data["prices"].items()
    }
    return PriceTable(data["region"], data["currency"], float(data["hours_per_month"]), prices)
