"""StackSet test set-up: an administration account with its role, a target account with the
execution role (self-managed permissions:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html)."""

from __future__ import annotations

import json
from typing import Any

from emulator.accounts import Account

TOPIC: dict[str, Any] = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def role(account: Account, name: str) -> None:
    account.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)


def with_execution_role(endpoint: str) -> tuple[Account, str]:
    """An administration account, and a target account id that holds the execution role."""
    admin, target = Account(endpoint), Account(endpoint)
    role(admin, "AWSCloudFormationStackSetAdministrationRole")
    role(target, "AWSCloudFormationStackSetExecutionRole")
    return admin, target.id
