"""The emulator's ECR in front of the local registry (`local.registry`), when one runs.

The registry's host:port reaches the emulator in `APPSTACK_LOCAL_REGISTRY`. Then:

- every repository's URI names it (`127.0.0.1:PORT/<name>`), and GetAuthorizationToken's
  proxyEndpoint is `http://127.0.0.1:PORT`: a push goes where ECR would send it, and a task
  definition names what was pushed;
- DescribeImages, ListImages and BatchGetImage answer what the registry holds: its tags of
  the repository are read in first (manifest, media type and the digest the registry
  computed), and an image's size is that of its layers and config, as ECR reports the
  compressed size of what was pushed
  (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).

Without it moto's ECR is left as it is.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import urllib.error
import urllib.request
from typing import Any

from appstack.local.registry import ENV, INSTALL

#: The manifest types a registry may hold for an image (OCI and Docker, single and lists).
MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    )
)


def _get(url: str, accept: str = "application/json") -> tuple[str, dict[str, str]] | None:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode(), dict(answer.headers.items())
    except OSError:  # HTTPError: not there; URLError: no registry answering. Nothing to read.
        return None


def read_in(backend: Any, name: str, host: str) -> None:
    """Put the registry's images of repository `name` into the emulator's repository."""
    from moto.ecr.exceptions import ImageAlreadyExistsException

    repository = backend.repositories.get(name)
    listing = _get(f"http://{host}/v2/{name}/tags/list") if repository else None
    if listing is None:
        return
    known = {tag for image in repository.images for tag in image.image_tags}
    for tag in json.loads(listing[0]).get("tags") or []:
        if tag in known:
            continue
        found = _get(f"http://{host}/v2/{name}/manifests/{tag}", MANIFEST_TYPES)
        if found is None:
            continue
        manifest, headers = found
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            image = backend.put_image(
                name, manifest, tag, headers.get("content-type"), headers["docker-content-digest"]
            )
        except ImageAlreadyExistsException:
            continue
        parsed = json.loads(manifest)
        parts = [*parsed.get("layers", []), parsed.get("config") or {}]
        image.appstack_size = sum(int(part.get("size", 0)) for part in parts)


def install() -> None:
    """Point moto's ECR at the local registry named in the environment; without one, refuse
    to sign in (a push would go to AWS's registry host, which the emulator does not serve)."""
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import ActionResult
    from moto.ecr.models import ECRBackend, Image, Repository
    from moto.ecr.responses import ECRResponse

    host = os.environ.get(ENV)
    if not host:

        def no_registry(self: Any) -> Any:
            raise JsonRESTError(
                "ServerException",
                f"the emulator has no local registry to push to: {INSTALL}, then restart "
                "the emulator (appstack local stop; appstack local start)",
            )

        ECRResponse.get_authorization_token = no_registry  # type: ignore[method-assign]
        return

    created = Repository.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        created(self, *args, **kwargs)
        self.uri = f"{host}/{self.name}"

    Repository.__init__ = init  # type: ignore[method-assign]

    def get_authorization_token(self: Any) -> Any:
        return ActionResult(token(self._get_param("registryIds") or [self.current_account], host))

    ECRResponse.get_authorization_token = get_authorization_token  # type: ignore[method-assign]

    for method in ("describe_images", "list_images", "batch_get_image"):
        _read_first(ECRBackend, method, host)

    sized = Image.get_image_size_in_bytes

    def get_image_size_in_bytes(self: Any) -> int | None:
        return getattr(self, "appstack_size", None) or sized(self)

    Image.get_image_size_in_bytes = get_image_size_in_bytes  # type: ignore[method-assign]


def token(registry_ids: list[str], host: str) -> dict[str, Any]:
    """GetAuthorizationToken's answer: a password valid for 12 hours, for the registry at
    `host` (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_AuthorizationData.html)."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=12)
    return {
        "authorizationData": [
            {
                "authorizationToken": base64.b64encode(f"AWS:{rid}-auth-token".encode()).decode(),
                "expiresAt": expires,
                "proxyEndpoint": f"http://{host}",
            }
            for rid in registry_ids
        ]
    }


def _read_first(backend_class: Any, method: str, host: str) -> None:
    original = getattr(backend_class, method)

    def wrapped(self: Any, repository_name: str, *args: Any, **kwargs: Any) -> Any:
        read_in(self, repository_name, host)
        return original(self, repository_name, *args, **kwargs)

    setattr(backend_class, method, wrapped)
