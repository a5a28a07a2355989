"""The deploy step of `--build`: build the image, push it to the stack's ECR repository, and
deploy the task definition by the digest the repository stored.

- `build` runs the builder on this machine first: a broken Dockerfile stops the deploy before
  anything changed in the account.
- The push needs the repository, which the stack owns (`blueprint.registry`). On a first
  deploy there is none yet, so the workflow creates the stack with the config's `image`
  first (the service starts with it), then pushes, then deploys the digest: see
  `workflow.run`.
- `deploying` sets the template's `AppImage` parameter to `repository@sha256:...`: a tag can
  name another build tomorrow (or on another registry), a digest cannot.
- A deploy without `--build` keeps the image a build deployed (`keep_built`): deploying a new
  phase must not swap the application back to the config's `image`.

ECR: GetAuthorizationToken gives the registry and a 12-hour password
(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html);
DescribeImages confirms the digest is stored before a task definition names it.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from appstack.blueprint.registry import IMAGE_PARAMETER, REPOSITORY_OUTPUT
from appstack.deploy import stacks
from appstack.deploy.session import Connection
from appstack.images import builders, version


class Shows(Protocol):
    """How the caller shows a build and a push (the deploy workflow's `Interaction` does)."""

    def activity(self, title: str) -> AbstractContextManager[Callable[[str], None]]: ...

    def success(self, message: str) -> None: ...


class RepositoryMissing(stacks.DeployError):
    """The stack has no image repository (not deployed, or from an older appstack)."""


@dataclass(frozen=True)
class Build:
    """What `--build` asks: the directory of the Dockerfile, and the builder (None: found)."""

    directory: Path
    builder: str | None = None


@dataclass(frozen=True)
class Built:
    """An image built on this machine, not pushed yet."""

    builder: builders.Builder
    image: str
    tag: str


@dataclass(frozen=True, kw_only=True)
class Pushed:
    repository: str
    tag: str
    digest: str
    #: Bytes the repository stores for it (DescribeImages), None if it does not say.
    size: int | None

    @property
    def reference(self) -> str:
        """What the task definition names: the repository and the digest."""
        return f"{self.repository}@{self.digest}"


def build(request: Build, name: str, on_line: builders.OnLine) -> Built:
    """Build `request.directory` as the local image `appstack/<name>:<tag>`."""
    builder = builders.find(request.builder)
    tag = version.tag(request.directory)
    image = f"localhost/appstack/{name}:{tag}"
    builder.build(request.directory, image, on_line)
    return Built(builder, image, tag)


def repository_of(stack: dict[str, Any] | None) -> str | None:
    """The URI of the stack's image repository (its output), None if it has none."""
    return stacks.outputs(stack).get(REPOSITORY_OUTPUT) or None


def require_repository(stack_name: str, stack: dict[str, Any] | None) -> str:
    uri = repository_of(stack)
    if uri is None:
        raise RepositoryMissing(
            f"{stack_name} has no image repository yet: deploy it first, with "
            f"`appstack deploy {stack_name} ENV --build` (which creates it, then pushes)"
        )
    return uri


@dataclass(frozen=True)
class SignIn:
    """What GetAuthorizationToken gives: the registry's endpoint and its credentials."""

    endpoint: str
    username: str
    password: str

    def registry(self, repository: str) -> builders.Registry:
        """The registry of `repository`, which must be the one signed in to."""
        endpoint = urlparse(self.endpoint)
        host = repository.split("/", 1)[0]
        if endpoint.netloc != host:
            raise stacks.DeployError(
                f"ECR signs in to {endpoint.netloc}, but the repository is at {host}: "
                "check the Region (--region) and the endpoint (AWS_ENDPOINT_URL)"
            )
        return builders.Registry(
            host=host,
            username=self.username,
            password=self.password,
            tls=endpoint.scheme != "http",
        )


def sign_in(conn: Connection) -> SignIn:
    """ECR's credentials for this account's registry; asked before anything changes, so a
    registry that cannot be reached stops the deploy first."""
    from botocore.exceptions import ClientError

    try:
        data = conn.client("ecr").get_authorization_token()["authorizationData"][0]
    except ClientError as exc:
        raise stacks.DeployError(f"ECR refused to sign in: {exc}") from None
    username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    return SignIn(data["proxyEndpoint"], username, password)


def pushed_already(conn: Connection, repository: str, tag: str) -> Pushed | None:
    """The image the repository holds under `tag`, if any. Its tags are immutable: ECR
    refuses a second image under a tag (ImageTagAlreadyExistsException), and a rebuild of a
    commit differs from the first build (its creation time), so the one pushed stays."""
    from botocore.exceptions import ClientError

    name = repository.split("/", 1)[1]
    try:
        found = conn.client("ecr").describe_images(
            repositoryName=name, imageIds=[{"imageTag": tag}]
        )["imageDetails"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ImageNotFoundException":
            return None
        raise
    if not found:
        return None
    return Pushed(
        repository=repository,
        tag=tag,
        digest=found[0]["imageDigest"],
        size=found[0].get("imageSizeInBytes"),
    )


def push(
    conn: Connection, built: Built, repository: str, signed: SignIn, on_line: builders.OnLine
) -> Pushed:
    """Push `built` to `repository` as its tag; the digest, once ECR says it stores it."""
    destination = f"{repository}:{built.tag}"
    digest = built.builder.push(built.image, destination, signed.registry(repository), on_line)
    name = repository.split("/", 1)[1]
    found = conn.client("ecr").describe_images(
        repositoryName=name, imageIds=[{"imageDigest": digest}]
    )["imageDetails"]
    if not found:
        raise stacks.DeployError(
            f"the push of {destination} reported {digest}, which the repository does not hold"
        )
    return Pushed(
        repository=repository,
        tag=built.tag,
        digest=digest,
        size=found[0].get("imageSizeInBytes"),
    )


def with_image(template: dict[str, Any], reference: str) -> dict[str, Any]:
    """`template` deploying the image `reference` (the `AppImage` parameter's Default)."""
    if IMAGE_PARAMETER not in template.get("Parameters", {}):
        return template
    changed = copy.deepcopy(template)
    changed["Parameters"][IMAGE_PARAMETER]["Default"] = reference
    return changed


def deployed_image(stack: dict[str, Any] | None) -> str | None:
    """The image the deployed stack runs, if a build put it there: a digest in the stack's
    own repository."""
    repository = repository_of(stack)
    values: dict[str, str] = {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in (stack or {}).get("Parameters", [])
    }
    image = values.get(IMAGE_PARAMETER, "")
    if repository and image.startswith(f"{repository}@sha256:"):
        return image
    return None


def keep_built(template: dict[str, Any], stack: dict[str, Any] | None) -> dict[str, Any]:
    """`template` keeping the image a build deployed (see the module's description)."""
    image = deployed_image(stack)
    return with_image(template, image) if image else template


def build_shown(request: Build, name: str, shows: Shows) -> Built:
    """`build`, under the caller's progress."""
    with shows.activity(f"build {request.directory}") as on_line:
        built = build(request, name, on_line)
    shows.success(f"built {built.tag} with {built.builder.name}")
    return built


def push_shown(
    conn: Connection, built: Built, repository: str, signed: SignIn, shows: Shows
) -> Pushed:
    """`push`, under the caller's progress; an image already pushed under the tag (the
    same clean commit) is the one deployed, and nothing is pushed."""
    kept = pushed_already(conn, repository, built.tag)
    if kept is not None:
        shows.success(f"{built.tag} is in the repository already: {kept.reference} (not pushed)")
        return kept
    with shows.activity(f"push {built.tag}") as on_line:
        pushed = push(conn, built, repository, signed, on_line)
    size = "" if pushed.size is None else f" ({_size(pushed.size)})"
    shows.success(f"pushed {pushed.reference}{size}")
    return pushed


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size:,} bytes"
