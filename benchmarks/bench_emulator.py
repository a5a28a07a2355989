"""A benchmark-only launcher of appstack's emulator: counts API calls, can delay completion.

    python benchmarks/bench_emulator.py --port 4600 [--delay 3]

It serves the same moto app as `appstack local start` (appstack's models registered first,
its fidelity rules installed), wrapped in a WSGI middleware that

- counts every request by service (from the SigV4 credential scope) and, for CloudFormation,
  by `Action`: `GET /_bench/calls` returns the counts, `POST /_bench/reset` zeroes them;
- with `--delay S`, keeps a stack `*_IN_PROGRESS` in DescribeStacks for S seconds after
  ExecuteChangeSet, CreateStack or UpdateStack returned (moto itself finishes at once), and
  records when the stack truly became `*_COMPLETE` and when a DescribeStacks first reported it:
  `GET /_bench/completions` returns them (wall-clock `time.time()` seconds).

Only this process is patched; appstack's own emulator is untouched.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

from appstack.local import (  # noqa: F401  (registers the models before any stack)
    fidelity,
    models,
)

StartResponse = Callable[..., Any]
SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")
#: Operations after which a stack runs until `--delay` has passed.
STARTS = frozenset({"ExecuteChangeSet", "CreateStack", "UpdateStack"})
FINISHED = re.compile(r"<StackStatus>(CREATE|UPDATE)_COMPLETE</StackStatus>")


@dataclass
class Completion:
    stack: str
    action: str
    started: float  # the operation's request returned
    completed: float  # the stack became *_COMPLETE (started + delay)
    noticed: float | None = None  # a DescribeStacks first reported it


def stack_key(value: str) -> str:
    """A stack name, from a name or a stack ARN (arn:...:stack/NAME/ID)."""
    if value.startswith("arn:") and ":stack/" in value:
        return value.split(":stack/", 1)[1].split("/", 1)[0]
    return value


class Bench:
    """The middleware: counts, delays and the /_bench endpoints."""

    def __init__(self, app: Callable[..., Iterable[bytes]], delay: float) -> None:
        self.app = app
        self.delay = delay
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()  # "cloudformation:DescribeStacks", "sts", ...
        self.running: dict[str, Completion] = {}
        self.done: list[Completion] = []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_bench/"):
            return self._endpoint(environ, path, start_response)
        body = self._body(environ)
        match = SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = match.group(1) if match else "unsigned"
        params = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        action = params.get("Action", "") if service == "cloudformation" else ""
        with self.lock:
            self.calls[f"{service}:{action}" if action else service] += 1
        if not self.delay or action not in STARTS | {"DescribeStacks"}:
            return self.app(environ, start_response)
        status: list[Any] = []

        def capture(code: str, headers: list[Any], *rest: Any) -> Any:
            status[:] = [code, headers, *rest]
            return lambda data: None

        chunks = b"".join(self.app(environ, capture))
        stack = stack_key(params.get("StackName", ""))
        if action in STARTS and status[0].startswith("200"):
            now = time.time()
            with self.lock:
                self.running[stack] = Completion(stack, action, now, now + self.delay)
        elif action == "DescribeStacks":
            chunks = self._while_running(stack, chunks)
        headers = [(k, v) for k, v in status[1] if k.lower() != "content-length"]
        start_response(status[0], [*headers, ("Content-Length", str(len(chunks)))])
        return [chunks]

    def _while_running(self, stack: str, response: bytes) -> bytes:
        """The response as it would be while the stack's operation is still running."""
        now = time.time()
        with self.lock:
            running = self.running.get(stack)
            if running is None:
                return response
            if now < running.completed:
                return FINISHED.sub(
                    lambda m: f"<StackStatus>{m.group(1)}_IN_PROGRESS</StackStatus>",
                    response.decode(),
                ).encode()
            running.noticed = now
            self.done.append(self.running.pop(stack))
        return response

    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        """Read the request body and put it back for the app."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _endpoint(
        self, environ: dict[str, Any], path: str, start_response: StartResponse
    ) -> Iterable[bytes]:
        with self.lock:
            if path == "/_bench/reset" and environ["REQUEST_METHOD"] == "POST":
                self.calls.clear()
                self.done.clear()
                answer: Any = {"ok": True}
            elif path == "/_bench/calls":
                answer = dict(self.calls)
            elif path == "/_bench/completions":
                answer = [asdict(c) for c in self.done]
            else:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"unknown /_bench endpoint"]
        data = json.dumps(answer).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [data]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="Seconds a stack operation runs.")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # as moto's own launcher does
    fidelity.apply()  # as `appstack.local.server` does: the emulator's AWS behaviours
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        Bench(app, args.delay),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
