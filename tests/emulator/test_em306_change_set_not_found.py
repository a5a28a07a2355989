"""EM306: a change set that is gone is ChangeSetNotFound, not a missing stack
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError


def test_describing_a_missing_change_set_is_change_set_not_found(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    with pytest.raises(ClientError) as missing:
        cfn.describe_change_set(StackName="em306", ChangeSetName="gone")
    # the code of ChangeSetNotFoundException in the CloudFormation model (botocore)
    assert missing.value.response["Error"]["Code"] == "ChangeSetNotFound"


def test_deleting_a_missing_change_set_is_change_set_not_found(emulator_endpoint: str) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    with pytest.raises(ClientError) as missing:
        cfn.delete_change_set(StackName="em306", ChangeSetName="gone")
    assert missing.value.response["Error"]["Code"] == "ChangeSetNotFound"
