"""Synthesize: turn a target into a template file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml

from appstack import blueprint
from appstack.config import Target

Format = Literal["json", "yaml"]


def template_path(target: Target, out_dir: Path, fmt: Format = "json") -> Path:
    name = f"{target.app.application_name}-{target.env_name}-phase{target.phase}"
    return out_dir / f"{name}.template.{fmt}"


def template(target: Target) -> dict[str, Any]:
    """The template of `target`, as a dict: built once, then handed to the checks, the
    estimates and the deploy."""
    return blueprint.to_dict(blueprint.build(target))


def render(target: Target, fmt: Format = "json") -> str:
    data = template(target)
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, width=100)
    return json.dumps(data, indent=2) + "\n"


def write(target: Target, out_dir: Path, fmt: Format = "json") -> Path:
    path = template_path(target, out_dir, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(target, fmt), encoding="utf-8")
    return path
