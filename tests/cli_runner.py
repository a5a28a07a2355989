"""Run appstack's command line in process, as a user's shell would: the exit code and what
it printed on stdout and stderr."""

from __future__ import annotations

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
