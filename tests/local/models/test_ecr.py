"""The emulator's ECR: signing in names the local registry and lasts 12 hours; without a
registry it refuses, saying how to get one (a push must never head for AWS)."""

from __future__ import annotations

import base64
import datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from appstack.local.models import ecr


def test_signing_in_names_the_local_registry_over_http() -> None:
    [data] = ecr.token(["123456789012"], "127.0.0.1:5123")["authorizationData"]
    assert data["proxyEndpoint"] == "http://127.0.0.1:5123"
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    assert user == "AWS" and password
    left = data["expiresAt"] - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(hours=11) < left <= datetime.timedelta(hours=12)


def test_without_a_registry_the_emulator_refuses_to_sign_in(emulator_endpoint: str) -> None:
    client = boto3.client("ecr", region_name="us-east-1", endpoint_url=emulator_endpoint)
    with pytest.raises(ClientError, match="docker-registry"):
        client.get_authorization_token()


def test_a_registry_that_does_not_answer_leaves_the_repository_as_it_is() -> None:
    """DescribeImages and the rest read the registry first; with nobody listening there the
    emulator answers from what it holds (it answered 500)."""
    import socket

    from moto.ecr.models import ECRBackend

    backend = ECRBackend("us-east-1", "123456789012")
    backend.create_repository("shop", None, None, None, None, None, None)
    with socket.socket() as bound:  # a port bound, never listening: connection refused
        bound.bind(("127.0.0.1", 0))
        ecr.read_in(backend, "shop", f"127.0.0.1:{bound.getsockname()[1]}")
    assert backend.repositories["shop"].images == []
