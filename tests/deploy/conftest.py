"""Set-up the deploy engine's tests share: the emulator in the module's Region."""

from __future__ import annotations

import pytest

from appstack.deploy.session import Connection
from deploy.deploying import on_emulator


@pytest.fixture
def conn(request: pytest.FixtureRequest, emulator_endpoint: str) -> Connection:
    """The emulator in the module's `REGION` (us-east-1 where it names none): a module that
    creates VPCs deploys in a Region of its own, as the quota of VPCs counts per Region. One
    per test: a test that records the calls of the clients it makes gets clients of its own."""
    return on_emulator(emulator_endpoint, getattr(request.module, "REGION", "us-east-1"))
