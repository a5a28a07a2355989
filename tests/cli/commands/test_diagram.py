"""`appstack diagram`: the picture of an environment written where -o says (the drawing
itself: tests/render/test_diagram.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run


def test_diagram_writes_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "dev.mmd"
    code, out, _ = run(["diagram", "dev", "-o", str(target)], capsys)
    assert code == 0 and out.strip() == str(target)
    assert "subgraph VPC" in target.read_text()
