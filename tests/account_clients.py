"""Clients in another account of the emulator: moto hands out, through STS AssumeRole, keys
of the role's account, and answers each request in the account of its keys."""

from __future__ import annotations

from typing import Any

import boto3


def role_in(account: str, name: str = "appstack-deploy") -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def client_in(role_arn: str, service: str, region: str) -> Any:
    """A boto3 client of `service` in `region`, on `role_arn` (and so in its account)."""
    keys = boto3.client("sts", region_name=region).assume_role(
        RoleArn=role_arn, RoleSessionName="tests"
    )["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )
