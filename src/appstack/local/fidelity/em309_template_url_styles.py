"""EM309: a TemplateURL names its bucket in the host (virtual-hosted style) or, when the host
is the S3 endpoint itself, in the path (path style).

CloudFormation takes "the URL of a file containing the template body", an object in S3, and
S3 addresses an object either way. moto 5.2.5 reads path style only from `localhost` or an
`s3*.amazonaws.com` host, so a client that builds the URL from the S3 endpoint it was given
(the emulator's `127.0.0.1:<port>`, or `s3.cn-north-1.amazonaws.com.cn` in aws-cn) is
misread: the bucket becomes `http://127`.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlparse

from moto.s3.models import s3_backends

from appstack.local.fidelity import Method, rule, stands_in_for


def bucket_and_key(template_url: str) -> tuple[str, str]:
    """The bucket and key a TemplateURL names, in either addressing style."""
    url = urlparse(template_url)
    host = url.hostname or ""
    path = url.path.lstrip("/")
    if _names_the_endpoint(host):
        bucket, _, key = path.partition("/")
        return bucket, key
    bucket = host.split(".s3.")[0].split(".s3-")[0] if ".s3" in host else host.split(".")[0]
    return bucket, path


def _names_the_endpoint(host: str) -> bool:
    """Whether `host` is S3's endpoint itself (path style: `localhost`, an address, or an
    `s3.`/`s3-` host), not a bucket's own host (virtual-hosted style)."""
    if host == "localhost" or host.startswith(("s3.", "s3-")):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@rule(
    "EM309",
    "A TemplateURL names its bucket in the host, or in the path when the host is S3's endpoint",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html",
)
@stands_in_for("moto.cloudformation.responses:CloudFormationResponse._get_stack_from_s3_url")
def get_stack_from_s3_url(_: Method, self: Any, template_url: str) -> str:
    bucket, key = bucket_and_key(template_url)
    found: Any = s3_backends[self.current_account][self.partition].get_object(bucket, key)
    return str(found.value.decode("utf-8"))
