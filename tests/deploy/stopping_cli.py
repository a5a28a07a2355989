"""The appstack CLI, stopped by a signal right after its Nth CloudFormation call returns.

    python stopping_cli.py N SIGINT|SIGKILL appstack-arguments...

Exits 3 (and says so) if the command made fewer than N CloudFormation calls, so the caller
knows it has stopped the command at every call. Used by the fault-injection tests.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from appstack.cli import main
from appstack.deploy.session import Connection

NOT_REACHED = 3


def stop_after(n: int, signal_name: str) -> list[str]:
    """Patch every CloudFormation client to send `signal_name` to this process after call n."""
    calls: list[str] = []
    original = Connection.client

    def client(self: Connection, service: str) -> Any:
        made = original(self, service)
        if service == "cloudformation":

            def after(model: Any, **_: Any) -> None:
                calls.append(model.name)
                if len(calls) == n:
                    os.kill(os.getpid(), getattr(signal, signal_name))

            made.meta.events.register("after-call.cloudformation.*", after, unique_id="stop")
        return made

    Connection.client = client  # type: ignore[method-assign]
    return calls


if __name__ == "__main__":
    calls = stop_after(int(sys.argv[1]), sys.argv[2])
    try:
        main(sys.argv[3:])
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:
        code = 0
    print("calls:", " ".join(calls), file=sys.stderr)
    sys.exit(NOT_REACHED if len(calls) < int(sys.argv[1]) else code)
