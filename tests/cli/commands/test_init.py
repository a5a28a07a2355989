"""`appstack init`: a commented config with the defaults, never over an existing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run


def test_init_writes_a_config_and_refuses_to_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "appstack.yaml"
    assert run(["init", str(target)], capsys)[0] == 0
    assert "environments:" in target.read_text()
    code, _, err = run(["init", str(target)], capsys)
    assert code == 2 and "--force" in err
