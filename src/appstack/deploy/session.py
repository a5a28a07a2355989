"""boto3 clients for real AWS (standard credential chain) or the local emulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3


@dataclass(frozen=True)
class Connection:
    region: str
    profile: str | None = None
    endpoint: str | None = None  # the emulator, or None for AWS (AWS_ENDPOINT_URL still applies)

    def client(self, service: str) -> Any:
        if self.endpoint:
            session = boto3.session.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                region_name=self.region,
            )
            return session.client(service, endpoint_url=self.endpoint)
        session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
        return session.client(service)
