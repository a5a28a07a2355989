"""`make demo`: 1 -> 4 -> 1 -> 4 -> 1 on the emulator, checking the item after every step."""

from __future__ import annotations

from pathlib import Path

import pytest

from appstack import config, demo, local, phases
from appstack.deploy import images
from appstack.images import builders
from appstack.local import emulator

ROOT = Path(__file__).parent.parent


def test_the_demo_goes_up_and_down_twice() -> None:
    top = max(phases.PHASES)
    assert demo.steps() == [1, top, 1, top, 1]


def test_the_demo_keeps_the_item_through_every_step(emulator_endpoint: str) -> None:
    app = config.in_region(config.load(ROOT / "demo" / "appstack.yaml"), "ap-northeast-1")
    outcome = demo.run(local.connect(app.region, emulator_endpoint), app)
    assert outcome.ok


def _emulator(registry: str | None) -> emulator.Emulator:
    return emulator.Emulator(pid=1, port=4599, registry=registry)


def test_without_a_builder_the_demo_deploys_the_default_image_and_says_how_to_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a fresh machine: no docker, podman, buildah
    build, line = demo.build_choice(_emulator("127.0.0.1:5000"), "nginx:stable")
    assert build is None
    assert "deploys nginx:stable" in line and "apt-get install buildah" in line
    assert "\n" not in line


def test_without_the_local_registry_the_demo_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(builders, "available", lambda: builders.Builder("buildah", "/x"))
    build, line = demo.build_choice(_emulator(None), "nginx:stable")
    assert build is None and "docker-registry" in line and "\n" not in line


def test_with_a_builder_and_the_registry_the_demo_builds_its_sample_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(builders, "available", lambda: builders.Builder("podman", "/x"))
    build, line = demo.build_choice(_emulator("127.0.0.1:5000"), "nginx:stable")
    assert build == images.Build(Path("demo"), "podman")
    assert (ROOT / "demo" / "Dockerfile").is_file() and "podman" in line
