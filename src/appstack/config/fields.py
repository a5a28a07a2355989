"""Checks of single fields that more than one section of appstack.yaml holds (retention
periods, Regions, lists of ids), each raising ValueError with the fix for pydantic to report
against the field."""

from __future__ import annotations

import re
from collections.abc import Callable

from appstack.data import load as data_file

#: Retention periods CloudWatch Logs accepts (AWS::Logs::LogGroup RetentionInDays).
LOG_RETENTION_DAYS = tuple(int(days) for days in data_file("logs")["retention_in_days"])

#: An AWS Region code (us-east-1, ap-southeast-2, ...).
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
#: An AWS account id: 12 digits.
ACCOUNT = re.compile(r"^\d{12}$")


def log_retention(value: int) -> int:
    """`value`, if CloudWatch Logs accepts it as a retention period."""
    if value not in LOG_RETENTION_DAYS:
        nearest = min(LOG_RETENTION_DAYS, key=lambda d: abs(d - value))
        raise ValueError(
            f"CloudWatch Logs does not accept {value} days; use one of "
            f"{', '.join(map(str, LOG_RETENTION_DAYS))} (nearest: {nearest})"
        )
    return value


def each_matching(
    pattern: re.Pattern[str], problem: str
) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """A check of a list that refuses its first item `pattern` does not match, saying the
    item and then `problem` ("is not an AWS account id (12 digits)")."""

    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not pattern.match(str(value)):
                raise ValueError(f"{value!r} {problem}")
        return values

    return check
