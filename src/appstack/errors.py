"""Errors a user can cause. Each says what went wrong and what to do; tracebacks are for bugs."""

from __future__ import annotations


class AppstackError(Exception):
    """Base of every error appstack reports to its user instead of a traceback."""

    exit_code = 1


class UsageError(AppstackError):
    """Bad input: a config file, a command-line argument. Exit code 2."""

    exit_code = 2


class ConfigError(UsageError):
    """A config file that cannot be used; the message names the file, the field and the fix."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [
            f"{source}: {path}: {message}" if path else f"{source}: {message}"
            for path, message in problems
        ]
        super().__init__("\n".join(lines))
