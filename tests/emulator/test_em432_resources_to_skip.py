"""EM432: ResourcesToSkip may name only resources in UPDATE_FAILED because their rollback
failed; any other name is refused and nothing is done.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
("You can specify only resources that are in the UPDATE_FAILED state because a rollback
failed").
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator._lifecycle import client, status, unique
from emulator._rollback_failed import stuck_on_queue

REGION = "eu-central-2"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.mark.parametrize("name", ["Topic", "NoSuchResource"])
def test_skipping_a_resource_whose_rollback_did_not_fail_is_refused(
    cfn: Any, emulator_endpoint: str, name: str
) -> None:
    stack = unique("skipwrong")
    stuck_on_queue(cfn, emulator_endpoint, stack)
    with pytest.raises(ClientError, match=f"ResourcesToSkip .*{name}"):
        cfn.continue_update_rollback(StackName=stack, ResourcesToSkip=["Queue", name])
    assert status(cfn, stack) == "UPDATE_ROLLBACK_FAILED"
