"""The connection to AWS (or the emulator): one client per service, retrying adaptively, signed
with fixed keys when it is given them and with the standard credential chain otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from appstack.deploy.session import Connection, as_it_is

ENDPOINT = "http://127.0.0.1:4599"


def test_one_client_per_service_is_made_and_then_reused() -> None:
    conn = Connection("eu-west-1", endpoint=ENDPOINT, credentials=("testing", "testing"))
    first = conn.client("cloudformation")
    assert conn.client("cloudformation") is first
    assert conn.client("s3") is not first
    assert first.meta.endpoint_url == ENDPOINT and first.meta.region_name == "eu-west-1"


def test_every_client_retries_throttled_calls_adaptively() -> None:
    # https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
    conn = Connection("eu-west-1", credentials=("testing", "testing"))
    retries = conn.client("cloudformation").meta.config.retries
    assert retries == {"mode": "adaptive", "total_max_attempts": 10}


def test_fixed_keys_sign_without_reading_the_environments_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "a-profile-that-does-not-exist")
    conn = Connection("eu-west-1", endpoint=ENDPOINT, credentials=("AKIDFIXED", "secret"))
    conn.client("cloudformation")  # no ProfileNotFound
    assert conn._session.get_credentials().access_key == "AKIDFIXED"


def test_aws_runs_templates_as_they_are() -> None:
    template = {"Transform": "AWS::SecretsManager-2024-09-16", "Resources": {}}
    assert as_it_is(template) == (template, [])
    assert Connection("eu-west-1").prepare is as_it_is


def test_a_role_without_credentials_to_assume_it_with_is_botocores_no_credentials_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Said in one line by the CLI, as for any call without credentials (it was an
    AttributeError inside botocore at the first call)."""
    from botocore.exceptions import NoCredentialsError

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    conn = Connection("eu-west-1", role_arn="arn:aws:iam::222222222222:role/deploy")
    with pytest.raises(NoCredentialsError):
        conn.client("sts").get_caller_identity()
