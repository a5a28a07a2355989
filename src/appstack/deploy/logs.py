"""The service's logs: every container of its deployed task definition, interleaved in time.

Where each container logs is in the task definition the service runs (DescribeServices,
then DescribeTaskDefinition): the awslogs driver's `awslogs-group`, and streams named
`PREFIX/CONTAINER/TASK-ID` from its `awslogs-stream-prefix`
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
Reading is FilterLogEvents, every page (nextToken); following is a CloudWatch Logs Live Tail
session (StartLiveTail,
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html)
where the API answers, and FilterLogEvents polled from the last line seen otherwise (the
emulator, an endpoint without Live Tail, a role without logs:StartLiveTail).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from appstack.deploy import service_watch
from appstack.deploy.session import Connection
from appstack.errors import UsageError

#: How often polling asks for new lines (FilterLogEvents allows 5 calls a second per account
#: and Region: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
POLL_SECONDS = 2.0
#: StartLiveTail takes at most 10 log groups, and stream prefixes only with one group.
_LIVE_TAIL_GROUPS = 10


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where one container of the task logs."""

    container: str
    group: str
    #: The start of its streams' names: `PREFIX/CONTAINER/`.
    prefix: str


@dataclass(frozen=True)
class Line:
    """One log line of one container of one task."""

    time: datetime
    container: str
    task: str
    message: str
    id: str = ""


def sources(conn: Connection, stack: dict[str, Any], container: str | None = None) -> list[Source]:
    """Where each container of the service's deployed task definition logs (only
    `container`'s, when given); `stack` as DescribeStacks answered it."""
    cluster, service = service_watch.deployed(stack)
    ecs = conn.client("ecs")
    [found] = ecs.describe_services(cluster=cluster, services=[service])["services"]
    definition = ecs.describe_task_definition(taskDefinition=found["taskDefinition"])
    found_sources = []
    names = []
    for item in definition["taskDefinition"]["containerDefinitions"]:
        names.append(item["name"])
        config = item.get("logConfiguration") or {}
        options = config.get("options") or {}
        if config.get("logDriver") == "awslogs" and "awslogs-group" in options:
            prefix = options.get("awslogs-stream-prefix", "")
            start = f"{prefix}/{item['name']}/" if prefix else ""
            found_sources.append(
                Source(container=item["name"], group=options["awslogs-group"], prefix=start)
            )
    if container is None:
        return found_sources
    chosen = [s for s in found_sources if s.container == container]
    if not chosen:
        raise UsageError(
            f"--container {container}: the service's task has no container of that name that "
            f"logs to CloudWatch; its containers are {', '.join(names)}"
        )
    return chosen


def _line(source: Source | None, stream: str, item: dict[str, Any]) -> Line:
    parts = stream.split("/")
    container = source.container if source else (parts[-2] if len(parts) >= 2 else stream)
    return Line(
        datetime.fromtimestamp(item["timestamp"] / 1000, UTC),
        container,
        parts[-1],
        str(item.get("message", "")).rstrip("\n"),
        str(item.get("eventId", "")),
    )


def read(
    logs: Any, found: Iterable[Source], since_ms: int, pattern: str | None = None
) -> list[Line]:
    """Every line since `since_ms` (epoch milliseconds) of each source, oldest first."""
    lines: list[Line] = []
    for source in found:
        request: dict[str, Any] = {"logGroupName": source.group, "startTime": since_ms}
        if source.prefix:
            request["logStreamNamePrefix"] = source.prefix
        if pattern:
            request["filterPattern"] = pattern
        for page in logs.get_paginator("filter_log_events").paginate(**request):
            lines += [_line(source, e["logStreamName"], e) for e in page.get("events", [])]
    return sorted(lines, key=lambda line: (line.time, line.id))


def pattern_of(text: str | None) -> str | None:
    """A filter pattern that matches lines holding `text` as written (an exact phrase:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)."""
    return json.dumps(text) if text else None


def follow(
    logs: Any,
    found: list[Source],
    since_ms: int,
    on_line: Callable[[Line], None],
    pattern: str | None = None,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    live: Any = None,
) -> str:
    """Hand each new line to `on_line` until `stop()` says so (or Ctrl-C); how it followed:
    "live tail" or "polling". `live` is the client that starts the Live Tail session (one
    that does not retry, `Connection.untried_client`; default `logs`). A Live Tail session
    that ends in an error (one lasts 3 hours at most) goes on by polling from its last line."""
    shown = _Shown(since_ms)
    for line in read(logs, found, since_ms, pattern):
        shown.first_time(line)
        on_line(line)
    try:
        for line in _live_tail(live or logs, found, pattern, stop):
            shown.first_time(line)
            on_line(line)
        return "live tail"
    except (ClientError, BotoCoreError):
        pass  # no Live Tail here, or no more: poll
    while not stop():
        sleep(POLL_SECONDS)
        for line in read(logs, found, shown.last, pattern):
            if shown.first_time(line):
                on_line(line)
    return "polling"


class _Shown:
    """The lines handed on, for a poll from the latest one: FilterLogEvents answers that
    millisecond's lines again. A line is known by its event id, and (Live Tail's lines have
    none) at the latest millisecond by its task, container and text too."""

    def __init__(self, since_ms: int) -> None:
        self.last = since_ms
        self._ids: set[str] = set()
        self._at_last: set[tuple[str, str, str]] = set()

    def first_time(self, line: Line) -> bool:
        """Whether `line` is new; it is remembered either way."""
        ms = int(line.time.timestamp() * 1000)
        key = (line.task, line.container, line.message)
        if (line.id and line.id in self._ids) or (ms == self.last and key in self._at_last):
            return False
        if line.id:
            self._ids.add(line.id)
        if ms > self.last:
            self.last, self._at_last = ms, set()
        if ms == self.last:
            self._at_last.add(key)
        return True


def _live_tail(
    logs: Any, found: list[Source], pattern: str | None, stop: Callable[[], bool]
) -> Iterator[Line]:
    groups = sorted({s.group for s in found})
    if len(groups) > _LIVE_TAIL_GROUPS:
        raise ClientError({"Error": {"Code": "TooManyGroups", "Message": ""}}, "StartLiveTail")
    request: dict[str, Any] = {"logGroupIdentifiers": [_group_arn(logs, g) for g in groups]}
    by_prefix = {s.prefix: s for s in found if s.prefix}
    if len(groups) == 1 and len(by_prefix) == len(found):
        request["logStreamNamePrefixes"] = sorted(by_prefix)
    if pattern:
        request["logEventFilterPattern"] = pattern
    stream = logs.start_live_tail(**request)["responseStream"]
    for event in stream:
        for item in event.get("sessionUpdate", {}).get("sessionResults", []):
            name = item.get("logStreamName", "")
            source = next((s for p, s in by_prefix.items() if name.startswith(p)), None)
            yield _line(source, name, item)
        if stop():
            stream.close()
            return


def _group_arn(logs: Any, group: str) -> str:
    """The log group's ARN as StartLiveTail takes it (without the trailing `:*`)."""
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group):
        for item in page.get("logGroups", []):
            if item["logGroupName"] == group:
                return str(item.get("logGroupArn") or item["arn"].removesuffix(":*"))
    raise UsageError(f"log group {group} of the service's task definition does not exist")


def since_ms(seconds_ago: float, now: Callable[[], float] = time.time) -> int:
    """Epoch milliseconds `seconds_ago` before now."""
    return int((now() - seconds_ago) * 1000)
