"""Facts about AWS, as data: one JSON file per subject, each with its source and date.

Every file is read through `load`, once per process; what a file means is its reader's
business (the caller names the type it expects).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The data file `name` (without `.json`; `prices/us-east-1` for one in a folder).

    Cached and shared: callers read it, never change it.
    """
    path = resources.files(__name__).joinpath(*f"{name}.json".split("/"))
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def names(folder: str) -> list[str]:
    """The data files in `folder`, by the name `load` takes (sorted)."""
    return sorted(
        f"{folder}/{entry.name.removesuffix('.json')}"
        for entry in resources.files(__name__).joinpath(folder).iterdir()
        if entry.name.endswith(".json")
    )
