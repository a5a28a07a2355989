"""`appstack plan` on the emulator: the changes, cost and duration of a deploy, previewed
through a change set that is deleted afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run, write_config

#: What a pull request reads of a plan that replaces the table (`plan --output markdown`).
SNAPSHOT = Path(__file__).parent / "snapshots" / "plan_replacing_the_table.md"


def test_plan_previews_and_leaves_nothing_behind(
    stack: str, tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    priced = write_config(tmp_path, region="eu-west-1")  # a plan creates no VPC
    code, out, _ = run(["plan", stack, "dev", "-c", priced], capsys)
    assert code == 0 and "49 add" in out
    assert "/month (+$" in out and "expected duration: 4 min" in out
    code, _, err = run(["status", stack, "-c", priced], capsys)
    assert code == 2 and "does not exist in eu-west-1" in err


def test_plan_where_appstack_has_no_prices_still_previews(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["plan", stack, "dev", "-c", config_file], capsys)
    assert code == 0, err
    assert "49 add" in out and "cost: not estimated" in out and "expected duration" in out


def test_a_region_that_is_no_region_code_is_a_usage_error(
    stack: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["plan", stack, "dev", "--region", "Frankfurt", "-c", config_file], capsys)
    assert code == 2 and "not an AWS Region code" in err


def test_a_plan_in_markdown_leads_with_the_replacement_and_its_verdict_then_cost_and_time(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pull-request comment: the change set (a replacement) and the data-loss verdict
    first, then the cost delta and the expected duration. A snapshot: what the reviewer reads
    is the test. (eu-west-1: priced, and a Region where no other test deploys a VPC.)"""
    path = tmp_path / "appstack.yaml"
    path.write_text("application_name: snap\nregion: eu-west-1\n")
    code, _, err = run(
        ["deploy", "snap-dev", "dev", "--yes", "--skip-validate", "-c", str(path)], capsys
    )
    assert code == 0, err
    path.write_text("application_name: snap\nregion: eu-west-1\npartition_key: id\n")
    code, out, err = run(
        ["plan", "snap-dev", "dev", "-c", str(path), "--output", "markdown"], capsys
    )
    assert code == 0, err
    assert out == SNAPSHOT.read_text()
    assert (
        out.index("| replace | Table |") < out.index("KeySchema cannot change") < out.index("cost:")
    )
