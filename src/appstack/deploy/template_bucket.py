"""The bucket that carries templates too large for a request body (over 51,200 bytes).

Its name is predictable, and bucket names are shared by every account of a partition, so
another account could take it first (and receive templates run with CAPABILITY_NAMED_IAM).
Where S3 offers it, the bucket lives in the account regional namespace: a name ending in
`-<account>-<region>-an` that only this account can create
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html). Everywhere,
every call that accepts it says which account must own the bucket (ExpectedBucketOwner: S3
answers 403 otherwise, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html),
so a template never goes to a bucket of another account. Objects get unique keys and expire.
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from appstack.data import load
from appstack.errors import AppstackError

PREFIX = "appstack-templates"
#: Templates are read once, when the change set is made; kept a while to see what ran.
EXPIRE_AFTER_DAYS = 30


class TemplateBucketError(AppstackError):
    """The template bucket belongs to another account, or cannot be made."""


@dataclass(frozen=True)
class Bucket:
    name: str
    account: str
    #: "account-regional" or "global" (S3's BucketNamespace).
    namespace: str

    @property
    def owner(self) -> dict[str, str]:
        return {"ExpectedBucketOwner": self.account}


@cache
def _regions_without_account_namespace() -> frozenset[str]:
    return frozenset(load("template_bucket")["regions_without_account_namespace"])


def bucket_for(account: str, region: str) -> Bucket:
    """The template bucket of `account` in `region`."""
    if region in _regions_without_account_namespace():
        return Bucket(f"{PREFIX}-{account}-{region}", account, "global")
    return Bucket(f"{PREFIX}-{account}-{region}-an", account, "account-regional")


def template_url(s3: Any, bucket: str, key: str) -> str:
    """The object's URL on the S3 endpoint the client resolved (its partition's domain:
    amazonaws.com, amazonaws.com.cn, ...): virtual-hosted style, or path style where the
    endpoint is an address (a local emulator)."""
    endpoint = urlparse(s3.meta.endpoint_url)
    host = endpoint.hostname or ""
    port = f":{endpoint.port}" if endpoint.port else ""
    if host == "localhost" or _is_address(host):
        return f"{endpoint.scheme}://{host}{port}/{bucket}/{key}"
    return f"{endpoint.scheme}://{bucket}.{host}{port}/{key}"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _foreign(bucket: Bucket) -> TemplateBucketError:
    return TemplateBucketError(
        f"the template bucket {bucket.name} exists but does not belong to account "
        f"{bucket.account} (or these credentials may not use it); no template was uploaded. "
        f"Delete that bucket if it is yours in another account, or deploy a template under "
        f"51,200 bytes"
    )


def ensure(s3: Any, bucket: Bucket, region: str) -> None:
    """Make the bucket if it is missing: private, encrypted, its objects expiring."""
    try:
        s3.head_bucket(Bucket=bucket.name, **bucket.owner)
        return
    except ClientError as exc:
        if _code(exc) in ("403", "AccessDenied"):
            raise _foreign(bucket) from exc
        if _code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise
    create: dict[str, Any] = {"Bucket": bucket.name}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if bucket.namespace == "account-regional":
        create["BucketNamespace"] = bucket.namespace
    try:
        s3.create_bucket(**create)
    except ClientError as exc:
        if _code(exc) == "BucketAlreadyExists":
            raise _foreign(bucket) from exc
        if _code(exc) != "BucketAlreadyOwnedByYou":  # a deploy beside this one made it
            raise
    s3.put_public_access_block(
        Bucket=bucket.name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
        **bucket.owner,
    )
    s3.put_bucket_encryption(
        Bucket=bucket.name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
        **bucket.owner,
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket.name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-templates",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": EXPIRE_AFTER_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        },
        **bucket.owner,
    )


def object_key(stack_name: str) -> str:
    """Unique even for two uploads within one second: a UTC time to read, and a random id."""
    return f"{stack_name}/{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex}.json"


def upload(s3: Any, sts: Any, region: str, stack_name: str, body: bytes) -> str:
    """Put a template in this account's bucket; its URL for CloudFormation, which reads it
    with the caller's credentials."""
    bucket = bucket_for(sts.get_caller_identity()["Account"], region)
    ensure(s3, bucket, region)
    key = object_key(stack_name)
    s3.put_object(Bucket=bucket.name, Key=key, Body=body, **bucket.owner)
    return template_url(s3, bucket.name, key)
