"""`appstack build`: thin; it needs the stack's repository, and says how to get one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run


def test_build_before_the_stack_has_a_repository_says_to_deploy_with_build_first(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    config = tmp_path / "appstack.yaml"
    config.write_text("application_name: nobuild\nregion: us-west-2\n")
    code, _, err = run(["build", "dev", str(tmp_path), "-c", str(config)], capsys)
    assert code == 1
    assert "nobuild-dev has no image repository yet" in err
    assert "appstack deploy nobuild-dev ENV --build" in err


def test_builder_without_build_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["deploy", "app-dev", "dev", "--builder", "buildah"], capsys)
    assert code == 2 and "pass --build too" in err


def test_an_unknown_builder_is_refused_with_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["build", "dev", ".", "--builder", "kaniko"], capsys)
    assert code == 2 and "docker" in err and "buildah" in err
