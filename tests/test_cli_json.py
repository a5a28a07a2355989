"""One `--output` vocabulary: every command answers `--output json` with one object that its
schema in docs/schemas/ describes, and `--output markdown` where a person reads the answer in
a pull request (plan, cost, forecast, validate, preflight)."""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest

from appstack import cli
from appstack.cli import main
from cli_runner import run

SCHEMAS = Path(__file__).parents[1] / "docs" / "schemas"
MARKDOWN = ("plan", "cost", "forecast", "validate", "preflight")


def answer(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> Any:
    """The JSON object a command prints on stdout with `--output json` (and nothing else)."""
    got, out, err = run([*argv, "--output", "json"], capsys)
    assert got == code, out + err
    return json.loads(out)


def matches_schema(document: Any, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def leaf_commands() -> Iterator[tuple[str, click.Command]]:
    """Every command by its schema's name: `deploy`, ..., `local-start`."""
    for name in cli.COMMANDS:
        command = cli.command(name)
        if isinstance(command, click.Group):
            for sub, subcommand in command.commands.items():
                yield f"{name}-{sub}", subcommand
        else:
            yield name, command


def output_choices(command: click.Command) -> list[str]:
    [option] = [p for p in command.params if "--output" in getattr(p, "opts", ())]
    assert isinstance(option.type, click.Choice)
    return [str(c) for c in option.type.choices]


def test_every_command_offers_text_and_json_and_markdown_where_a_pull_request_reads_it() -> None:
    for name, command in leaf_commands():
        expected = ["text", "json", "markdown"] if name in MARKDOWN else ["text", "json"]
        assert output_choices(command) == expected, name


def test_every_command_has_one_schema_and_every_schema_a_command() -> None:
    names = {name for name, _ in leaf_commands()}
    assert {p.stem for p in SCHEMAS.glob("*.json")} == names
    for path in SCHEMAS.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


# ---------------------------------------------------------------- without AWS


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("init", ["init", "new.yaml"]),
        ("synth", ["synth", "--all", "--out", "build"]),
        ("validate", ["validate", "dev", "--no-scan"]),
        ("cost", ["cost", "prod", "--all-phases", "--region", "eu-west-1"]),
        ("forecast", ["forecast", "prod", "--from-phase", "1"]),
        ("diagram", ["diagram", "dev", "-o", "dev.mmd"]),
    ],
)
def test_a_json_answer_without_aws_matches_its_schema(
    name: str, argv: list[str], in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matches_schema(answer(argv, capsys), name)


def test_the_emulator_answers_in_json_when_started_asked_and_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    try:
        started = answer(["local", "start", "--port", port], capsys)
        matches_schema(started, "local-start")
        status = answer(["local", "status", "--port", port], capsys)
        matches_schema(status, "local-status")
        assert started["running"] and status["pid"] == started["pid"]
    finally:
        stopped = answer(["local", "stop", "--port", port], capsys)
    matches_schema(stopped, "local-stop")
    assert stopped["stopped"]


def test_a_markdown_answer_is_markdown_tables_without_colour_or_box_drawing(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["cost", "dev"], ["forecast", "dev"]):
        code, out, err = run([*argv, "--output", "markdown"], capsys)
        assert code == 0, err
        assert "\n| --- |" in out and "┃" not in out and "\x1b[" not in out


def test_output_table_is_still_understood_as_text(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text, _ = run(["forecast", "dev", "--output", "text"], capsys)
    assert code == 0
    code, table, err = run(["forecast", "dev", "--output", "table"], capsys)
    assert code == 0 and table == text and "--output text" in err
    forecast = cli.command("forecast")
    assert "table" not in forecast.get_help(click.Context(forecast))


# ---------------------------------------------------------------- on the emulator


def write_config(folder: Path, name: str, region: str) -> str:
    path = folder / "appstack.yaml"
    path.write_text(f"application_name: {name}\nregion: {region}\n")
    return str(path)


@pytest.fixture(scope="module")
def deployed(
    tmp_path_factory: pytest.TempPathFactory, emulator_endpoint: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A stack deployed once for the module (in a Region of its own: VPCs to spare), and the
    JSON answer of its deploy (read from stdout here: capsys is a fixture of each test)."""
    config = write_config(tmp_path_factory.mktemp("json"), "jsonout", "il-central-1")
    stack = "jsonout-dev"
    argv = ["deploy", stack, "dev", "--yes", "--skip-validate", "-c", config, "--output", "json"]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        main(argv)
    yield stack, config, json.loads(stdout.getvalue())


def test_deploy_answers_its_status_and_outputs_in_json(
    deployed: tuple[str, str, dict[str, Any]],
) -> None:
    stack, _, document = deployed
    matches_schema(document, "deploy")
    assert (
        document["stack"] == stack
        and document["status"] == "CREATE_COMPLETE"
        and "ServiceUrl" in document["outputs"]
    )


@pytest.mark.parametrize("name", ["status", "outputs", "events", "watch"])
def test_a_stack_read_in_json_matches_its_schema(
    name: str, deployed: tuple[str, str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, config, _ = deployed
    document = answer([name, stack, "-c", config], capsys)
    matches_schema(document, name)
    assert document["stack"] == stack


def test_outputs_in_json_are_the_deploys_outputs(
    deployed: tuple[str, str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, config, document = deployed
    assert answer(["outputs", stack, "-c", config], capsys)["outputs"] == document["outputs"]


def test_preflight_answers_in_json_and_in_markdown(
    deployed: tuple[str, str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, config, _ = deployed
    document = answer(["preflight", stack, "dev", "-c", config], capsys)
    matches_schema(document, "preflight")
    assert document["ok"] is True
    code, out, err = run(["preflight", stack, "dev", "-c", config, "--output", "markdown"], capsys)
    assert code == 0 and "nothing in the account stands in the way" in out, err


def test_a_plan_answers_its_changes_cost_and_duration_in_json_and_markdown(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "jsonplan", "eu-west-1")  # priced; a plan makes no VPC
    document = answer(["plan", "jsonplan-dev", "dev", "-c", config], capsys)
    matches_schema(document, "plan")
    assert document["creating"] and len(document["changes"]) == 49  # dev: repository, exec logs
    assert document["monthly"] == document["delta"] and document["monthly"] > 0
    code, out, err = run(
        ["plan", "jsonplan-dev", "dev", "-c", config, "--output", "markdown"], capsys
    )
    assert code == 0, err
    assert "| action | logical id | type |" in out and "\n| add | " in out
    assert "┃" not in out and "\x1b[" not in out


def test_rollback_and_destroy_answer_in_json(
    tmp_path: Path, emulator_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "jsondown", "ap-southeast-4")  # VPCs to spare
    stack = "jsondown-dev"
    deploy = ["deploy", stack, "dev", "--phase", "2", "--yes", "--skip-validate", "-c", config]
    matches_schema(answer(deploy, capsys), "deploy")
    rollback = ["rollback", stack, "dev", "--to-phase", "1", "--yes", "--skip-validate"]
    document = answer([*rollback, "-c", config], capsys)
    matches_schema(document, "rollback")
    assert document["status"] == "UPDATE_COMPLETE" and "DatabaseEndpoint" not in document["outputs"]
    document = answer(["destroy", stack, "--yes", "-c", config], capsys)
    matches_schema(document, "destroy")
    assert document["status"] == "DELETE_COMPLETE"


def test_findings_and_refusals_in_markdown_are_a_table_and_a_list_on_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from appstack import render
    from appstack.checks.findings import Finding

    found = [Finding("AS001", "warning", "Bucket", "a | in the message", "[fix] it")]
    with render.output_format("markdown"):
        render.findings(found)
        render.refusal(["deploy would refuse: Table would be replaced"])
    out = capsys.readouterr().out
    assert "| id | severity | resource | message | fix |" in out
    assert "| AS001 | warning | Bucket | a \\| in the message | [fix] it |" in out
    assert "- ✘ deploy would refuse: Table would be replaced" in out
