"""`appstack.local.connect`: the emulator's endpoint, its fake credentials and the template
transforms it needs, in one place; a connection to AWS runs templates as they are."""

from __future__ import annotations

import pytest

from appstack import local
from appstack.deploy.session import Connection

ROTATION = "AWS::SecretsManager-2024-09-16"


def test_the_emulator_is_reached_with_its_own_credentials_whatever_the_environment_says(
    emulator_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "a-profile-this-machine-does-not-have")
    conn = local.connect("eu-west-1", emulator_endpoint)
    assert conn.endpoint == emulator_endpoint
    assert conn.client("sts").get_caller_identity()["Account"]


def test_the_emulator_gets_templates_without_the_transforms_it_cannot_run() -> None:
    template = {"Transform": ROTATION, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    prepared, notes = local.connect("eu-west-1", "http://127.0.0.1:1").prepare(template)
    assert "Transform" not in prepared and prepared["Resources"] == template["Resources"]
    assert notes == [f"emulator: transform {ROTATION} is not run (rotation is recorded only)"]


def test_aws_gets_templates_as_they_are() -> None:
    template = {"Transform": ROTATION, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert Connection("eu-west-1").prepare(template) == (template, [])
