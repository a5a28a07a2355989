"""AWS clients for one account and Region: real AWS, or any endpoint that answers like it.

Which endpoint, which credentials and what a template needs before that endpoint can run it
are the caller's to say: the CLI connects to AWS through the standard credential chain, and
the local layer (`appstack.local.connect`) hands its emulator's endpoint, fake credentials
and template transforms in here.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import botocore.session
from botocore.config import Config

#: Every client retries throttled and failed calls adaptively: standard retries (exponential
#: backoff with jitter, the throttling error codes) plus a client-side rate limiter that slows
#: down once AWS throttles, so several deploys in one account share its API rate.
#: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
RETRIES = Config(retries={"mode": "adaptive", "total_max_attempts": 10})

#: A template as the endpoint can run it, and one note per thing changed on the way.
Prepare = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


def as_it_is(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """AWS runs appstack's templates as they are."""
    return template, []


@dataclass(frozen=True)
class Connection:
    region: str
    profile: str | None = None
    endpoint: str | None = None  # another endpoint than AWS's (AWS_ENDPOINT_URL still applies)
    #: (access key id, secret access key) to sign with; None: the standard credential chain.
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    #: A role to assume with the credentials above (an environment's `role_arn`); its
    #: temporary credentials are renewed before they expire, so a long deploy keeps going.
    role_arn: str | None = None
    #: What a template needs before this endpoint can run it (the emulator runs no macro).
    prepare: Prepare = field(default=as_it_is, repr=False, compare=False)
    #: One client per service: making one reads its model again (tens of ms each).
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Clients are thread-safe, making them is not: preflight asks AWS beside validate.
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @cached_property
    def _session(self) -> botocore.session.Session:
        """A botocore session: clients are all a deploy uses, and boto3 on top of it would
        import s3transfer and multiprocessing on every command (the AWS CLI does without)."""
        source = self._source_session()
        if self.role_arn is None:
            return source
        return assumed(source, self.role_arn, self.region, self.endpoint)

    def _source_session(self) -> botocore.session.Session:
        if self.credentials:
            key, secret = self.credentials
            # Fixed keys: no profile of the environment (AWS_PROFILE) is read, or needed.
            core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
            core.set_credentials(key, secret)
            return core
        return botocore.session.Session(profile=self.profile)

    @cached_property
    def account(self) -> str:
        """The account the credentials reach (STS GetCallerIdentity, asked once)."""
        return str(self.client("sts").get_caller_identity()["Account"])

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                extra = {"endpoint_url": self.endpoint} if self.endpoint else {}
                self._clients[service] = self._session.create_client(
                    service, region_name=self.region, config=RETRIES, **extra
                )
            return self._clients[service]

    def untried_client(self, service: str) -> Any:
        """A client that makes each call once, without retries: for a call whose failure
        has a fallback (a Live Tail session falls back to polling at once)."""
        extra = {"endpoint_url": self.endpoint} if self.endpoint else {}
        once = Config(retries={"mode": "standard", "total_max_attempts": 1})
        return self._session.create_client(service, region_name=self.region, config=once, **extra)


def assumed(
    source: botocore.session.Session, role_arn: str, region: str, endpoint: str | None
) -> botocore.session.Session:
    """A session on `role_arn`, assumed with the credentials of `source` and assumed again
    before the temporary credentials expire (botocore's own assume-role refresh). Without
    credentials to assume it with, botocore's NoCredentialsError, as for any other call."""
    from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials
    from botocore.exceptions import NoCredentialsError

    credentials = source.get_credentials()
    if credentials is None:
        raise NoCredentialsError()
    extra = {"endpoint_url": endpoint} if endpoint else {}
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=functools.partial(source.create_client, region_name=region, **extra),
        source_credentials=credentials,
        role_arn=role_arn,
        extra_args={"RoleSessionName": "appstack"},
    )
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core._credentials = DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )
    return core
