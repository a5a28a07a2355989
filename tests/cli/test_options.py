"""The options several commands share (`appstack.cli.options`): one option set for the
commands that put ENV into STACK, targets, paths to write, and the connection."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from appstack import cli
from appstack.cli import options
from appstack.errors import UsageError

#: What every command that puts ENV into STACK takes, by parameter name.
SHARED = ["stack", "env", "output", "local", "profile", "region", "config_path"]


@pytest.mark.parametrize("name", ["plan", "preflight", "deploy", "rollback"])
def test_the_commands_that_put_an_environment_into_a_stack_share_one_option_set(
    name: str,
) -> None:
    params = cli.command(name).params
    arguments = [p.name for p in params if isinstance(p, click.Argument)]
    assert arguments == ["stack", "env"]
    assert set(SHARED) <= {p.name for p in params}
    assert ("phase" in {p.name for p in params}) is (name != "rollback")  # it takes --to-phase


def test_the_target_and_its_connection_follow_the_region_given(tmp_path: Path) -> None:
    config = tmp_path / "appstack.yaml"
    config.write_text("region: us-east-1\n")
    tgt, conn = options.target_connection("dev", 1, (False, None, "eu-west-1"), config)
    assert tgt.app.region == conn.region == "eu-west-1"
    tgt, conn = options.target_connection("dev", 1, (False, None, None), config)
    assert tgt.app.region == conn.region == "us-east-1"


def test_all_beside_one_environment_is_refused_rather_than_ignoring_one() -> None:
    with pytest.raises(UsageError, match="environment 'dev' would be ignored"):
        options.select_targets("dev", None, True, None)


def test_a_file_to_write_in_a_missing_directory_is_refused_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(click.BadParameter, match=f"directory {missing} does not exist"):
        options.OutputFile().convert(str(missing / "x.mmd"), None, None)
    assert options.OutputFile().convert(str(tmp_path / "x.mmd"), None, None) == tmp_path / "x.mmd"


def test_a_directory_to_write_into_may_be_made_but_not_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    with pytest.raises(click.BadParameter, match="is a file, not a directory"):
        options.OutputDir().convert(str(tmp_path / "afile" / "sub"), None, None)
    assert options.OutputDir().convert(str(tmp_path / "new" / "sub"), None, None) == (
        tmp_path / "new" / "sub"
    )
