"""EM302: throttling on demand: a chosen fraction of chosen actions answer `Throttling`.

AWS throttles API calls above an account's request rate with HTTP 400, code `Throttling`,
message "Rate exceeded"; moto never does, so a client that gives up on the first throttled
poll passes every emulator test. Off unless asked for, either when the emulator starts
(`APPSTACK_EMULATOR_THROTTLE="DescribeStacks,DescribeStackEvents:0.3:7"`: actions, fraction,
seed) or at any time with a control request (`POST /moto-api/appstack/throttle` with
`{"actions": [...], "rate": 0.3, "seed": 7}`, and `"limit": N` to stop after N throttled calls,
a burst; `rate` 0 turns it off). The same seed throttles the same calls of a sequential
client, so a test that passes once passes every time.
"""

from __future__ import annotations

import json
import os
import random
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

from appstack.local.fidelity import rule

ENV = "APPSTACK_EMULATOR_THROTTLE"
CONTROL_PATH = "/moto-api/appstack/throttle"


@dataclass
class Throttle:
    actions: frozenset[str] = frozenset()
    rate: float = 0.0
    seed: int = 0
    #: Throttled calls after which throttling stops (None: no end).
    limit: int | None = None
    _random: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Calls answered `Throttling`, by action, since the last configuration.
    throttled: dict[str, int] = field(default_factory=dict)

    def configure(
        self, actions: list[str], rate: float, seed: int, limit: int | None = None
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"throttle rate {rate} is not between 0 and 1")
        with self._lock:
            self.actions, self.rate, self.seed = frozenset(actions), rate, seed
            self.limit = limit
            self._random = random.Random(seed)
            self.throttled = {}

    def hit(self, action: str) -> bool:
        """Whether this call of `action` is throttled (one draw per call of a chosen action)."""
        if action not in self.actions or self.rate <= 0:
            return False
        with self._lock:
            if self.limit is not None and sum(self.throttled.values()) >= self.limit:
                return False
            if self._random.random() >= self.rate:
                return False
            self.throttled[action] = self.throttled.get(action, 0) + 1
            return True

    def state(self) -> dict[str, Any]:
        return {
            "actions": sorted(self.actions),
            "rate": self.rate,
            "seed": self.seed,
            "limit": self.limit,
            "throttled": dict(self.throttled),
        }


THROTTLE = Throttle()


def parse(spec: str) -> tuple[list[str], float, int]:
    """`"A,B:0.3:7"` -> (["A", "B"], 0.3, 7); the seed is optional (0)."""
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"{ENV}={spec!r}: write ACTION[,ACTION...]:RATE[:SEED]")
    actions = [a.strip() for a in parts[0].split(",") if a.strip()]
    return actions, float(parts[1]), int(parts[2]) if len(parts) == 3 else 0


def _control(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    if request.method == "POST":
        body = json.loads(request.data or b"{}")
        try:
            limit = body.get("limit")
            THROTTLE.configure(
                list(body.get("actions", [])),
                float(body.get("rate", 0)),
                int(body.get("seed", 0)),
                None if limit is None else int(limit),
            )
        except (TypeError, ValueError) as exc:
            return 400, {"Content-Type": "application/json"}, json.dumps({"error": str(exc)})
    return 200, {"Content-Type": "application/json"}, json.dumps(THROTTLE.state())


@rule(
    "EM302",
    "Throttling on demand: chosen actions answer Throttling (Rate exceeded, HTTP 400)",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html",
)
def install() -> None:
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, BaseResponse
    from moto.moto_api._internal import urls

    # moto warns that `Throttling` is not an error of each service's model: it is common to all.
    warnings.filterwarnings("ignore", message=r"Exception\(ThrottlingError\)")

    class ThrottlingError(ServiceException):
        code = "Throttling"
        message = "Rate exceeded"

        def __init__(self) -> None:
            super().__init__("Rate exceeded")

    original = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        if THROTTLE.hit(self._get_action()):
            status, headers, body = self.serialized(ActionResult(ThrottlingError()))
            headers["status"] = str(status)
            return status, headers, body
        return original(self)

    setattr(BaseResponse, "call_action", call_action)  # noqa: B010
    urls.url_paths["{0}" + CONTROL_PATH] = _control
    if os.environ.get(ENV):
        THROTTLE.configure(*parse(os.environ[ENV]))
