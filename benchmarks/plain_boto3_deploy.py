"""Deploy a template with plain boto3: one change set and botocore's stock waiters.

    python benchmarks/plain_boto3_deploy.py TEMPLATE_FILE STACK ENDPOINT

The baseline of the deploy benchmark: what a short script does without appstack or the AWS
CLI. Stock waiters poll every 30 s (change sets and stacks alike) and call at once first.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError, WaiterError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
NO_CHANGES = ("No updates are to be performed", "didn't contain changes")


def change_set_type(cfn: Any, stack: str) -> str:
    try:
        found = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return "CREATE"
        raise
    return "CREATE" if found["StackStatus"] == "REVIEW_IN_PROGRESS" else "UPDATE"


def main(template_file: str, stack: str, endpoint: str) -> None:
    cfn = boto3.client(
        "cloudformation",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    kind = change_set_type(cfn, stack)
    name = f"plain-{int(time.time() * 1000)}"
    try:
        cfn.create_change_set(
            StackName=stack,
            ChangeSetName=name,
            ChangeSetType=kind,
            TemplateBody=Path(template_file).read_text(),
            Capabilities=CAPABILITIES,
        )
    except ClientError as exc:
        if any(text in str(exc) for text in NO_CHANGES):  # moto refuses an empty change at once
            return
        raise
    try:
        cfn.get_waiter("change_set_create_complete").wait(StackName=stack, ChangeSetName=name)
    except WaiterError:
        reason = cfn.describe_change_set(StackName=stack, ChangeSetName=name).get(
            "StatusReason", ""
        )
        if any(text in reason for text in NO_CHANGES):
            cfn.delete_change_set(StackName=stack, ChangeSetName=name)
            return
        raise
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    cfn.get_waiter(f"stack_{kind.lower()}_complete").wait(StackName=stack)


if __name__ == "__main__":
    main(*sys.argv[1:4])
