"""EM308: S3 refuses a request whose ExpectedBucketOwner is not the bucket's owner (403).

"If the bucket is owned by a different account, the request fails with the HTTP status code
403 Forbidden (access denied)." moto 5.2.5 ignores the header, and serves another account's
bucket across accounts, so a client that trusts a predictable bucket name would upload into a
bucket somebody else made, and no test would tell.
"""

from __future__ import annotations

from typing import Any

from moto.s3.exceptions import S3AccessDeniedError
from moto.s3.models import s3_backends

from appstack.local.fidelity import Method, rule, stands_in_for

HEADER = "x-amz-expected-bucket-owner"


@rule(
    "EM308",
    "S3 answers 403 AccessDenied when ExpectedBucketOwner is not the bucket's owner",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html",
)
@stands_in_for(
    "moto.s3.responses:S3Response._bucket_response", "moto.s3.responses:S3Response._key_response"
)
def owner_checked(original: Method, self: Any, request: Any, full_url: str) -> Any:
    expected = request.headers.get(HEADER)
    if expected:
        bucket = self.parse_bucket_name_from_url(request, full_url)
        owner = s3_backends.bucket_accounts.get(bucket)
        if owner is not None and owner[1] != expected:
            raise S3AccessDeniedError()
    return original(self, request, full_url)
