"""Environments bound to accounts: the way into an environment's account, and the check that
the credentials reach that account before anything is read or changed.

An environment with an `account` is reached through its `profile` or its `role_arn` (assumed
with the profile's credentials, or the credential chain's); `--profile` replaces both (a
profile may assume a role itself). Whatever the credentials, the account they reach (STS
GetCallerIdentity, asked once per connection) must be the environment's, or the command stops
with `WrongAccount` before its first call to CloudFormation.

Commands that take only STACK (status, outputs, events, watch, drift, destroy) know its
environment from the config when STACK is an environment's stack name
(`<application_name>-<environment>`); otherwise from the deployed template's Metadata
(`appstack.environment`), read once connected.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from appstack.errors import UsageError

if TYPE_CHECKING:
    from appstack.config import AppConfig, EnvironmentSettings
    from appstack.deploy.session import Connection


class WrongAccount(UsageError):
    """The credentials reach another account than the environment's."""

    def __init__(self, env_name: str, expected: str, actual: str, way: str) -> None:
        self.env_name, self.expected, self.actual = env_name, expected, actual
        super().__init__(
            f"environment {env_name} lives in account {expected}, but the credentials "
            f"({way}) reach account {actual}; nothing was done. Use credentials of account "
            f"{expected}: set `environments.{env_name}.profile` or `role_arn` in the config, "
            f"or pass --profile with a profile of that account"
        )


#: Set (to anything but empty) where the job's own credentials are the way in, as in a CI
#: run that assumed its role already: no profile, no role_arn; the account is still checked.
AMBIENT = "APPSTACK_AMBIENT_CREDENTIALS"


def way_in(
    settings: EnvironmentSettings | None, profile_flag: str | None
) -> tuple[str | None, str | None]:
    """(profile, role to assume): --profile replaces the environment's own way in, and so
    do the ambient credentials of a CI job (`AMBIENT`)."""
    if profile_flag or settings is None or os.environ.get(AMBIENT):
        return profile_flag, None
    return settings.profile, settings.role_arn


def require_profile(conn: Connection, env_name: str | None) -> None:
    """A profile the AWS config does not have is the user's to fix, said in one line."""
    from botocore.exceptions import ProfileNotFound

    try:
        conn.client("sts")
    except ProfileNotFound:
        where = f"`environments.{env_name}.profile`, or " if env_name else ""
        raise UsageError(
            f"profile {conn.profile!r} is not in the AWS config (~/.aws/config or "
            f"AWS_CONFIG_FILE): add it, or name another in {where}--profile"
        ) from None


def describe_way(conn: Connection) -> str:
    parts = []
    if conn.profile:
        parts.append(f"profile {conn.profile}")
    if conn.role_arn:
        parts.append(f"role {conn.role_arn}")
    return ", ".join(parts) or "the default credential chain"


def check(conn: Connection, env_name: str, settings: EnvironmentSettings) -> None:
    """Refuse credentials of another account than the environment's (if it names one)."""
    if settings.account is None:
        return
    if conn.account != settings.account:
        raise WrongAccount(env_name, settings.account, conn.account, describe_way(conn))


def bound(app: AppConfig) -> bool:
    """Whether any environment names its account (else no check, and no STS call, is made)."""
    return any(env.account for env in app.environments.values())


def environment_of(app: AppConfig, stack: str) -> str | None:
    """The environment whose stack name is `stack`, if one is."""
    return next((name for name in app.environments if app.stack_name(name) == stack), None)


def recorded_environment(template: dict[str, Any]) -> str | None:
    """The environment a template of appstack's records in its Metadata."""
    recorded = template.get("Metadata", {})
    mine = recorded.get("appstack") if isinstance(recorded, dict) else None
    env = mine.get("environment") if isinstance(mine, dict) else None
    return env if isinstance(env, str) else None


def check_recorded(conn: Connection, app: AppConfig, template: dict[str, Any]) -> None:
    """A stack found without knowing its environment: check the account of the environment
    its template records (one the config does not know is not checked)."""
    env = recorded_environment(template)
    if env in app.environments:
        check(conn, env, app.environments[env])
