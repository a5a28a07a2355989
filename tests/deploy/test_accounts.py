"""Environments bound to accounts, on the emulator: each environment's stack lands in its own
account, reached through its `role_arn`, and credentials of another account are refused
before anything is read or changed.

moto 5.2.5 serves one backend per account id: a request's account is MOTO_ACCOUNT_ID, else
the `x-moto-account-id` header, else the account of its access key. STS AssumeRole hands out
keys of the role's account (moto/sts/models.py `_create_access_key`), so assuming an
environment's role reaches its account, as on AWS.
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from account_clients import client_in
from appstack import config
from appstack.deploy import accounts
from appstack.deploy.session import Connection
from cli_runner import run

#: A Region no other test uses: preflight counts VPCs per account and Region.
REGION = "mx-central-1"
DEV, PROD = "111111111111", "222222222222"
DEFAULT = "123456789012"  # moto's account for keys it did not hand out


def role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/appstack-deploy"


def write(tmp_path: Path, prod: dict[str, str], name: str = "appstack.yaml") -> str:
    path = tmp_path / name
    lines = [
        "application_name: acct",
        f"region: {REGION}",
        "environments:",
        "  dev:",
        f"    account: '{DEV}'",
        f"    role_arn: {role(DEV)}",
        "  prod:",
        *(f"    {key}: '{value}'" for key, value in prod.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def deployed(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """acct-dev deployed once, through dev's role, into account 111111111111."""
    folder = tmp_path_factory.mktemp("accounts")
    path = write(folder, {"account": PROD, "role_arn": role(PROD)})
    from appstack.cli import main

    try:
        main(["deploy", "acct-dev", "dev", "--yes", "--skip-validate", "-c", path])
    except SystemExit as exc:
        assert not exc.code
    return path


def stacks_in(account: str) -> list[str]:
    cfn = client_in(role(account), "cloudformation", REGION)
    return [s["StackName"] for s in cfn.describe_stacks()["Stacks"]]


def test_an_environment_is_deployed_into_its_own_account_through_its_role(deployed: str) -> None:
    assert "acct-dev" in stacks_in(DEV)
    assert "acct-dev" not in stacks_in(PROD)
    default = boto3.client("cloudformation", region_name=REGION)
    assert "acct-dev" not in [s["StackName"] for s in default.describe_stacks()["Stacks"]]


def test_a_stack_command_finds_the_environment_by_the_stack_name_and_its_account(
    deployed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["status", "acct-dev", "-c", deployed], capsys)
    assert code == 0, err
    assert "CREATE_COMPLETE" in out


def test_credentials_of_another_account_are_refused_naming_both_accounts_and_the_fix(
    deployed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = write(tmp_path, {"account": PROD})  # no way in: the default keys
    code, _, err = run(["plan", "acct-prod", "prod", "-c", unreachable], capsys)
    assert code == 2
    assert f"environment prod lives in account {PROD}" in err
    assert f"reach account {DEFAULT}" in err
    assert "environments.prod.profile" in err and "--profile" in err


@pytest.mark.parametrize("command", [["secret", "list", "prod"], ["build", "prod"]])
def test_the_secret_and_build_commands_reach_the_environments_account_too(
    command: list[str], deployed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """They check the account before they read or write anything, as every command does."""
    unreachable = write(tmp_path, {"account": PROD})
    code, _, err = run([*command, "-c", unreachable], capsys)
    assert code == 2, err
    assert f"environment prod lives in account {PROD}" in err


def test_secret_list_reads_the_stack_in_the_environments_own_account(
    deployed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["secret", "list", "dev", "-c", deployed, "--output", "json"], capsys)
    assert code == 0, err
    assert '"stack": "acct-dev"' in out


def test_a_profile_overrides_the_credentials_but_not_the_check(
    deployed: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--profile of the dev account for the prod environment: refused, nothing created."""
    aws_config = tmp_path / "aws-config"
    aws_config.write_text(
        "[profile base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
        f"[profile dev-admin]\nrole_arn = {role(DEV)}\nsource_profile = base\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run(
        ["deploy", "acct-prod", "prod", "--yes", "--profile", "dev-admin", "-c", deployed], capsys
    )
    assert code == 2, err
    assert f"lives in account {PROD}" in err and f"reach account {DEV}" in err
    assert "profile dev-admin" in err
    assert "acct-prod" not in stacks_in(DEV)


def test_a_stack_not_named_after_its_environment_is_checked_by_the_environment_it_records(
    deployed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stack named freely records its environment in its template's Metadata: found in
    the default account, it is refused when that environment lives elsewhere."""
    free = write(tmp_path, {"account": PROD, "role_arn": role(PROD)})
    loose = tmp_path / "loose.yaml"
    loose.write_text(f"application_name: acct\nregion: {REGION}\n")
    code, _, err = run(
        ["deploy", "web1", "dev", "--yes", "--skip-validate", "-c", str(loose)], capsys
    )
    assert code == 0, err
    code, _, err = run(["outputs", "web1", "-c", free], capsys)
    assert code == 2
    assert f"environment dev lives in account {DEV}" in err


def test_an_environment_without_an_account_makes_no_sts_call(
    tmp_path: Path, emulator_endpoint: str
) -> None:
    app = config.parse({"region": REGION})
    assert not accounts.bound(app)

    class NoSts(Connection):
        @property
        def account(self) -> str:  # type: ignore[override]
            raise AssertionError("asked STS")

    accounts.check(NoSts(REGION), "dev", app.environments["dev"])


def test_the_way_in_is_the_profile_flag_else_the_environments_own() -> None:
    env = config.parse(
        {"environments": {"dev": {"account": DEV, "profile": "dev", "role_arn": role(DEV)}}}
    ).environments["dev"]
    assert accounts.way_in(env, None) == ("dev", role(DEV))
    assert accounts.way_in(env, "admin") == ("admin", None)
    assert accounts.way_in(None, None) == (None, None)


def test_in_a_ci_job_the_ambient_credentials_are_the_way_in_and_still_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = config.parse(
        {"environments": {"dev": {"account": DEV, "profile": "dev", "role_arn": role(DEV)}}}
    ).environments["dev"]
    monkeypatch.setenv(accounts.AMBIENT, "true")
    assert accounts.way_in(env, None) == (None, None)


def test_a_profile_the_aws_config_lacks_is_one_line_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    path = write(tmp_path, {"account": PROD, "profile": "nowhere"})
    code, _, err = run(["preflight", "acct-prod", "prod", "-c", path], capsys)
    assert code == 2
    assert "profile 'nowhere' is not in the AWS config" in err
    assert "environments.prod.profile" in err
