"""EM305: ExecuteChangeSet needs ExecutionStatus AVAILABLE; a retry with the token of the
execution that ran succeeds
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError


def test_only_an_available_change_set_runs_and_a_retry_is_idempotent(
    emulator_endpoint: str,
) -> None:
    cfn: Any = boto3.client("cloudformation", endpoint_url=emulator_endpoint)
    body = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    cfn.create_change_set(
        StackName="em305", ChangeSetName="one", ChangeSetType="CREATE", TemplateBody=body
    )
    cfn.execute_change_set(StackName="em305", ChangeSetName="one", ClientRequestToken="t-1")
    cfn.execute_change_set(StackName="em305", ChangeSetName="one", ClientRequestToken="t-1")
    with pytest.raises(ClientError) as refused:
        cfn.execute_change_set(StackName="em305", ChangeSetName="one")
    assert refused.value.response["Error"]["Code"] == "InvalidChangeSetStatus"
    assert "EXECUTE_COMPLETE" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="InvalidChangeSetStatus"):
        cfn.execute_change_set(StackName="em305", ChangeSetName="one", ClientRequestToken="t-2")
    cfn.delete_stack(StackName="em305")
