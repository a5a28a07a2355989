"""Reading and following the service's log lines: every page of FilterLogEvents, lines of
several sources merged in time, Live Tail where it answers and polling where it does not
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import EndpointConnectionError

from appstack.deploy import logs

APP = logs.Source(container="app", group="/g", prefix="app/app/")
XRAY = logs.Source(container="xray", group="/g", prefix="app/xray/")


def event(ms: int, stream: str, message: str) -> dict[str, Any]:
    return {"timestamp": ms, "logStreamName": stream, "message": message, "eventId": f"{ms}"}


class Logs:
    """FilterLogEvents over fixed events, two to a page; StartLiveTail as given."""

    def __init__(self, events: list[dict[str, Any]], live: Any = None) -> None:
        self.events, self.live, self.asked = events, live, []

    def get_paginator(self, name: str) -> Any:
        client = self

        class Pages:
            def paginate(self, **request: Any) -> list[dict[str, Any]]:
                client.asked.append((name, request))
                if name == "describe_log_groups":
                    return [{"logGroups": [{"logGroupName": "/g", "arn": "arn:g:*"}]}]
                found = [
                    e for e in client.events
                    if e["logStreamName"].startswith(request.get("logStreamNamePrefix", ""))
                    and e["timestamp"] >= request["startTime"]
                ]  # fmt: skip
                return [{"events": found[i : i + 2]} for i in range(0, len(found), 2)]

        return Pages()

    def start_live_tail(self, **request: Any) -> Any:
        if self.live is None:
            raise EndpointConnectionError(endpoint_url="https://streaming-logs")
        self.asked.append(("start_live_tail", request))
        return {"responseStream": self.live}


def test_lines_of_every_source_and_page_are_merged_in_time() -> None:
    client = Logs(
        [event(3, "app/app/t1", "c"), event(1, "app/app/t1", "a"), event(5, "app/app/t2", "e"),
         event(2, "app/xray/t1", "b"), event(4, "app/xray/t1", "d")]
    )  # fmt: skip
    lines = logs.read(client, [APP, XRAY], 0)
    assert [line.message for line in lines] == ["a", "b", "c", "d", "e"]
    assert [(line.container, line.task) for line in lines[:2]] == [("app", "t1"), ("xray", "t1")]


def test_the_filter_is_an_exact_phrase() -> None:
    assert logs.pattern_of('took "12" ms') == '"took \\"12\\" ms"'
    assert logs.pattern_of(None) is None


def test_without_live_tail_following_polls_from_the_last_line_seen() -> None:
    client = Logs([event(1, "app/app/t1", "old")])
    got: list[str] = []
    polls = iter([False, True])

    def later(seconds: float) -> None:
        client.events.append(event(7, "app/app/t1", "new"))

    how = logs.follow(client, [APP], 0, lambda line: got.append(line.message), None,
                      stop=lambda: next(polls), sleep=later)  # fmt: skip
    assert how == "polling" and got == ["old", "new"]


def test_live_tail_streams_the_lines_of_the_services_streams() -> None:
    update = {"sessionUpdate": {"sessionResults": [event(9, "app/app/t3", "live")]}}
    client = Logs([], live=[{"sessionStart": {}}, update])
    got: list[logs.Line] = []
    assert logs.follow(client, [APP, XRAY], 0, got.append) == "live tail"
    assert [(line.container, line.task, line.message) for line in got] == [("app", "t3", "live")]
    [request] = [r for name, r in client.asked if name == "start_live_tail"]
    assert request == {"logGroupIdentifiers": ["arn:g"],
                       "logStreamNamePrefixes": ["app/app/", "app/xray/"]}  # fmt: skip


def test_a_live_tail_that_ends_in_an_error_goes_on_polling_without_repeating_a_line() -> None:
    """A session ends after 3 hours (SessionTimeoutException, a ClientError from the stream):
    polling starts from its last line, and the lines it showed are not shown again."""
    from botocore.exceptions import ClientError

    def stream() -> Any:
        stored = event(5, "app/app/t1", "live")  # FilterLogEvents has it too, with its id
        client.events.append(stored)
        live = {k: v for k, v in stored.items() if k != "eventId"}  # Live Tail's has none
        yield {"sessionUpdate": {"sessionResults": [live]}}
        raise ClientError({"Error": {"Code": "SessionTimeoutException"}}, "StartLiveTail")

    client = Logs([event(1, "app/app/t1", "old")], live=stream())
    got: list[str] = []
    polls = iter([False, False, True])  # after the live line; before the poll; after it

    def later(seconds: float) -> None:
        client.events.append(event(7, "app/app/t1", "new"))

    how = logs.follow(client, [APP], 0, lambda line: got.append(line.message), None,
                      stop=lambda: next(polls), sleep=later)  # fmt: skip
    assert how == "polling" and got == ["old", "live", "new"]
    [poll] = [r for name, r in client.asked if name == "filter_log_events"][1:]
    assert poll["startTime"] == 5
