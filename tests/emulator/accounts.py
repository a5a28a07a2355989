"""The emulator in an AWS account of one's own: moto takes the account from the
`x-moto-account-id` header, so fixed names and the one Config recorder a Region allows
(https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html) do not
meet between tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from appstack import local
from appstack.deploy.session import Connection
from appstack.local import transforms

_accounts = itertools.count(200000000001)


@dataclass(frozen=True)
class AccountConnection(Connection):
    """The emulator as `local.connect` reaches it, in an AWS account of its own."""

    account: str = ""

    def client(self, service: str) -> Any:
        client = super().client(service)
        if not getattr(client, "_ladder_account", None):

            def header(request: Any, **_: Any) -> None:
                request.headers["x-moto-account-id"] = self.account

            client.meta.events.register("before-send.*.*", header)
            client._ladder_account = self.account
        return client


class Account:
    """A connection to the emulator in an account of its own."""

    def __init__(self, endpoint: str, region: str = "us-east-1", account: str = "") -> None:
        self.id = account or str(next(_accounts))
        self.conn = AccountConnection(
            region,
            endpoint=endpoint,
            credentials=local.CREDENTIALS,
            prepare=transforms.for_emulator,
            account=self.id,
        )

    def client(self, service: str) -> Any:
        return self.conn.client(service)
