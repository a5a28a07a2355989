"""Run appstack's command line in process, as a user's shell would: the exit code and what
it printed on stdout and stderr; and a config of a test's own to run it with."""

from __future__ import annotations

from pathlib import Path

import pytest

from appstack.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


#: The Region of the command tests' configs (the engine's tests deploy in us-east-1).
CLI_REGION = "us-west-2"


def write_config(tmp_path: Path, region: str = CLI_REGION, name: str = "appstack.yaml") -> str:
    # A Region of their own: preflight counts the VPCs of the Region against the quota of 5,
    # and the engine's tests create theirs in us-east-1 on the same emulator.
    path = tmp_path / name
    path.write_text(
        f"application_name: cli{tmp_path.name[-6:].replace('_', '')}\nregion: {region}\n"
    )
    return str(path)
