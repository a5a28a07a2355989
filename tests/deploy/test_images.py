"""Build, push, deploy by digest: on the emulator with its local registry (buildah, no
daemon), and the template changes the step makes."""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appstack import config, local, synth
from appstack.blueprint.registry import IMAGE_PARAMETER, REPOSITORY_OUTPUT
from appstack.deploy import images, stacks, workflow
from appstack.deploy.session import Connection
from appstack.local import emulator
from deploy.recording import Recording
from images.builder_env import app_repository, buildah_storage, needs_builder

REGION = "eu-west-3"
REPOSITORY = "127.0.0.1:5000/myapp-dev-imagerepository-abc"
DIGEST = "sha256:" + "a" * 64


def _stack(outputs: dict[str, str], parameters: dict[str, str]) -> dict[str, Any]:
    return {
        "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    }


def test_a_deploy_by_digest_sets_the_image_parameter_only() -> None:
    template = {"Parameters": {IMAGE_PARAMETER: {"Type": "String", "Default": "nginx"}}}
    changed = images.with_image(template, f"{REPOSITORY}@{DIGEST}")
    assert changed["Parameters"][IMAGE_PARAMETER]["Default"] == f"{REPOSITORY}@{DIGEST}"
    assert template["Parameters"][IMAGE_PARAMETER]["Default"] == "nginx"


def test_a_deploy_without_build_keeps_the_image_a_build_deployed() -> None:
    template = {"Parameters": {IMAGE_PARAMETER: {"Type": "String", "Default": "nginx"}}}
    built = _stack({REPOSITORY_OUTPUT: REPOSITORY}, {IMAGE_PARAMETER: f"{REPOSITORY}@{DIGEST}"})
    kept = images.keep_built(template, built)
    assert kept["Parameters"][IMAGE_PARAMETER]["Default"] == f"{REPOSITORY}@{DIGEST}"


def test_an_image_from_elsewhere_is_not_kept_over_the_config() -> None:
    template = {"Parameters": {IMAGE_PARAMETER: {"Type": "String", "Default": "nginx:2"}}}
    other = _stack({REPOSITORY_OUTPUT: REPOSITORY}, {IMAGE_PARAMETER: "nginx:1"})
    assert images.keep_built(template, other) == template
    assert images.deployed_image(None) is None


def test_build_without_a_repository_says_to_deploy_first() -> None:
    with pytest.raises(images.RepositoryMissing, match="--build"):
        images.require_repository("myapp-dev", _stack({}, {}))


# ------------------------------------------------------------------ on the emulator


@pytest.fixture(scope="module")
def running() -> Iterator[emulator.Emulator]:
    """An emulator as `appstack local start` starts it (with its registry), state of its own."""
    with tempfile.TemporaryDirectory(prefix="appstack-images-") as folder:
        saved = os.environ.get("XDG_STATE_HOME")
        os.environ["XDG_STATE_HOME"] = folder
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        try:
            with buildah_storage(Path(folder)):
                yield emulator.start(port)
        finally:
            emulator.stop(port)
            if saved is None:
                os.environ.pop("XDG_STATE_HOME")
            else:
                os.environ["XDG_STATE_HOME"] = saved


@pytest.fixture(scope="module")
def conn(running: emulator.Emulator) -> Connection:
    return local.connect(REGION, running.endpoint)


def deploy(conn: Connection, stack: str, build: Path | None = None) -> workflow.Result:
    """Deploy dev at phase 1 as `stack`, building `build` (a directory) if given."""
    target = config.resolve(config.in_region(config.parse({}), REGION), "dev", 1)
    request = workflow.Request(
        stack,
        target,
        synth.template(target),
        yes=True,
        validate=False,
        build=images.Build(build, "buildah") if build else None,
    )
    return workflow.run(conn, request, Recording())


def deployed_image(conn: Connection, stack: str) -> str:
    """The image of the app container in the task definition the service runs."""
    ecs = conn.client("ecs")
    cluster = stacks.physical_ids(conn.client("cloudformation"), stack)["Cluster"]
    service = ecs.describe_services(
        cluster=cluster, services=ecs.list_services(cluster=cluster)["serviceArns"]
    )
    task_definition = service["services"][0]["taskDefinition"]
    found = ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]
    return str(found["containerDefinitions"][0]["image"])


@needs_builder
def test_build_push_and_deploy_by_digest_then_a_second_build_deploys_the_new_digest(
    conn: Connection, running: emulator.Emulator, tmp_path: Path
) -> None:
    assert running.registry is not None  # the registry started with the emulator
    stack = "images-dev"
    source = app_repository(tmp_path / "app", "one")
    started = time.perf_counter()
    first = deploy(conn, stack, source)
    took = time.perf_counter() - started
    assert first.ok and first.pushed is not None, first.status
    assert first.pushed.reference.startswith(f"{running.registry}/")
    assert deployed_image(conn, stack) == first.pushed.reference
    name = first.pushed.repository.split("/", 1)[1]
    [stored] = conn.client("ecr").describe_images(
        repositoryName=name, imageIds=[{"imageDigest": first.pushed.digest}]
    )["imageDetails"]
    assert stored["imageTags"] == [first.pushed.tag] and stored["imageSizeInBytes"] > 0

    app_repository(source, "two")
    second = deploy(conn, stack, source)
    assert second.ok and second.pushed is not None
    assert second.pushed.digest != first.pushed.digest
    assert second.pushed.repository == first.pushed.repository
    assert deployed_image(conn, stack) == second.pushed.reference

    plain = deploy(conn, stack)  # no --build: the stack keeps running the last build
    assert plain.ok and not plain.changed
    target = config.resolve(config.in_region(config.parse({}), REGION), "dev", 1)
    planned = workflow.preview(conn, stack, target, synth.template(target))
    assert planned.change_set.empty, "plan shows what deploy does: the build's image kept"
    assert deployed_image(conn, stack) == second.pushed.reference
    print(f"first build+push+deploy {took:.1f}s, image {stored['imageSizeInBytes']} bytes")


@needs_builder
def test_a_broken_dockerfile_fails_with_the_builder_output_before_anything_changes(
    conn: Connection, tmp_path: Path
) -> None:
    from appstack.images.builders import BuildError

    source = app_repository(tmp_path / "broken", "x")
    (source / "Dockerfile").write_text("FROM scratch\nCOPY missing.txt /missing.txt\n")
    with pytest.raises(BuildError, match=r"missing\.txt") as raised:
        deploy(conn, "broken-dev", source)
    assert raised.value.step == "build"
    assert stacks.current(conn, "broken-dev") is None


@needs_builder
def test_the_demo_app_builds_offline_and_is_deployed_by_digest(conn: Connection) -> None:
    """`make demo` builds demo/Dockerfile: FROM scratch and a file, nothing to pull."""
    demo_app = Path(__file__).resolve().parents[2] / "demo"
    result = deploy(conn, "demoapp-dev", demo_app)
    assert result.ok and result.pushed is not None
    assert deployed_image(conn, "demoapp-dev") == result.pushed.reference


@needs_builder
def test_the_command_line_deploys_a_build_and_pushes_another_by_digest(
    running: emulator.Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`deploy --build --output json` answers the image; `build` pushes without deploying;
    both answers match their schemas."""
    import json

    import jsonschema

    from cli_runner import run

    monkeypatch.setenv("APPSTACK_LOCAL_PORT", str(running.port))  # --local finds it
    config_file = tmp_path / "appstack.yaml"
    config_file.write_text(f"application_name: clibuild\nregion: {REGION}\n")
    source = app_repository(tmp_path / "app", "cli")
    schemas = Path(__file__).resolve().parents[2] / "docs" / "schemas"
    common = ["--builder", "buildah", "--local", "-c", str(config_file), "--output", "json"]

    code, out, err = run(
        [
            "deploy",
            "clibuild-dev",
            "dev",
            "--yes",
            "--skip-validate",
            "--build",
            str(source),
            *common,
        ],
        capsys,
    )
    assert code == 0, err
    deployed = json.loads(out)
    jsonschema.validate(deployed, json.loads((schemas / "deploy.json").read_text()))
    assert "@sha256:" in deployed["image"]

    app_repository(source, "cli two")
    code, out, err = run(["build", "dev", str(source), *common], capsys)
    assert code == 0, err
    built = json.loads(out)
    jsonschema.validate(built, json.loads((schemas / "build.json").read_text()))
    assert built["stack"] == "clibuild-dev" and built["image"] != deployed["image"]
    conn = local.connect(REGION, running.endpoint)
    assert deployed_image(conn, "clibuild-dev") == deployed["image"]  # build does not deploy


@needs_builder
def test_a_second_build_of_the_same_commit_deploys_the_image_already_pushed_for_it(
    conn: Connection, tmp_path: Path
) -> None:
    """The repository's tags are immutable: ECR refuses a second image under a commit's tag
    (ImageTagAlreadyExistsException), and a rebuild differs (its creation time), so the
    image already pushed for the commit is the one deployed, not pushed again."""
    source = app_repository(tmp_path / "same", "same")
    first = deploy(conn, "same-dev", source)
    again = deploy(conn, "same-dev", source)
    assert first.pushed is not None and again.pushed is not None
    assert again.pushed.tag == first.pushed.tag
    assert again.pushed.digest == first.pushed.digest and not again.changed
