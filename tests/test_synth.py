"""`appstack synth`: one template per target, written as JSON or YAML under a name that says
which application, environment and phase it is."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from appstack import config, synth


def target(env: str = "dev", phase: int = 1) -> config.Target:
    return config.resolve(config.parse({"application_name": "shop"}), env, phase)


def test_the_file_name_says_the_application_environment_and_phase(tmp_path: Path) -> None:
    assert synth.template_path(target("prod", 2), tmp_path).name == "shop-prod-phase2.template.json"
    assert synth.template_path(target(), tmp_path, "yaml").name == "shop-dev-phase1.template.yaml"


def test_json_and_yaml_hold_the_same_template(tmp_path: Path) -> None:
    built = synth.template(target())
    assert json.loads(synth.render(target())) == built
    assert yaml.safe_load(synth.render(target(), "yaml")) == built


def test_write_creates_the_folder_and_returns_the_file(tmp_path: Path) -> None:
    written = synth.write(target(), tmp_path / "out" / "templates")
    assert written == synth.template_path(target(), tmp_path / "out" / "templates")
    assert json.loads(written.read_text(encoding="utf-8"))["Resources"]
