"""Launcher of the emulator: import appstack's models and fidelity rules, then run moto."""

from __future__ import annotations

import sys

from moto.server import main as moto_main

from appstack.local import (  # noqa: F401  (registered before any stack is parsed)
    fidelity,
    models,
)


def main(argv: list[str] | None = None) -> None:
    fidelity.apply()
    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
