"""The local AWS emulator: a moto server with appstack's CloudFormation models.

`connect` is the one way to talk to it: it owns the emulator's endpoint (starting the
emulator when none is given), the fake credentials it accepts, and the template transforms
it needs (`transforms.for_emulator`). Everything below (deploy, checks) takes the connection
and never asks whether it talks to AWS or to the emulator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # boto3 loads only when a command connects
    from appstack.deploy.session import Connection

#: The emulator signs nothing it checks; botocore still needs keys to sign with.
CREDENTIALS = ("testing", "testing")


def connect(region: str, endpoint: str | None = None) -> Connection:
    """A connection to the emulator at `endpoint` (default: the local emulator, started if
    it is not running) in `region`."""
    from appstack.deploy.session import Connection
    from appstack.local import emulator, transforms

    if endpoint is None:
        endpoint = emulator.start().endpoint
    return Connection(
        region, endpoint=endpoint, credentials=CREDENTIALS, prepare=transforms.for_emulator
    )
