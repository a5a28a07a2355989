"""`make demo`: 1 -> 4 -> 1 -> 4 -> 1 on the emulator, checking the item after every step."""

from __future__ import annotations

from pathlib import Path

from appstack import config, demo, local, phases

ROOT = Path(__file__).parent.parent


def test_the_demo_goes_up_and_down_twice() -> None:
    top = max(phases.PHASES)
    assert demo.steps() == [1, top, 1, top, 1]


def test_the_demo_keeps_the_item_through_every_step(emulator_endpoint: str) -> None:
    app = config.in_region(config.load(ROOT / "demo" / "appstack.yaml"), "ap-northeast-1")
    outcome = demo.run(local.connect(app.region, emulator_endpoint), app)
    assert outcome.ok
