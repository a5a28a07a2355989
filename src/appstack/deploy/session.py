"""boto3 clients for real AWS (standard credential chain) or the local emulator."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

#: Every client retries throttled and failed calls adaptively: standard retries (exponential
#: backoff with jitter, the throttling error codes) plus a client-side rate limiter that slows
#: down once AWS throttles, so several deploys in one account share its API rate.
#: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
RETRIES = Config(retries={"mode": "adaptive", "total_max_attempts": 10})


@dataclass(frozen=True)
class Connection:
    region: str
    profile: str | None = None
    endpoint: str | None = None  # the emulator, or None for AWS (AWS_ENDPOINT_URL still applies)
    #: One client per service: making one reads its model again (tens of ms each).
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Clients are thread-safe, making them is not: preflight asks AWS beside validate.
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @cached_property
    def _session(self) -> boto3.session.Session:
        if self.endpoint:
            return boto3.session.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                region_name=self.region,
            )
        return boto3.session.Session(profile_name=self.profile, region_name=self.region)

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                extra = {"endpoint_url": self.endpoint} if self.endpoint else {}
                self._clients[service] = self._session.client(service, config=RETRIES, **extra)
            return self._clients[service]
