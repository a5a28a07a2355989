"""`make demo`: deploy dev on the local emulator from phase 1 straight up to the highest
phase appstack can build, back down to phase 1, up and down once more, with an item in the
table that every step must keep.

With an image builder on the machine (and the emulator's local registry), the first step
builds the sample app in `demo/` and deploys it by digest; every later step keeps it.
Without one, the demo deploys the config's default image and says how to turn building on."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from appstack import config, local, phases, render, synth
from appstack.cli.terminal import Terminal
from appstack.deploy import images, stacks, workflow
from appstack.deploy.session import Connection
from appstack.errors import AppstackError
from appstack.images import builders
from appstack.local import emulator
from appstack.local import registry as oci

CONFIG = Path("demo/appstack.yaml")
APP = Path("demo")
ENV = "dev"


def build_choice(running: emulator.Emulator, image: str) -> tuple[images.Build | None, str]:
    """The build of the sample app when this machine can build and the emulator can take the
    push; else None. With the one line that says which, and how to turn building on."""
    builder = builders.available()
    if builder is None:
        return None, (
            f"no image builder here, so the demo deploys {image}; to build demo/Dockerfile "
            f"instead: apt-get install buildah docker-registry (or docker or podman)"
        )
    if running.registry is None:
        return None, (
            f"the emulator has no local registry, so the demo deploys {image}; to build "
            f"demo/Dockerfile instead: {oci.INSTALL}, then appstack local stop"
        )
    return images.Build(APP, builder.name), f"building demo/Dockerfile with {builder.name}"


def deploy(
    conn: Connection,
    target: config.Target,
    going_down: bool,
    build: images.Build | None = None,
) -> workflow.Result:
    """One step, through the deploy workflow `appstack deploy` and `rollback` run: preflight,
    the data-loss guard, protection. The demo answers for itself (`yes`) and, like the
    tests, skips cfn-lint and checkov (`make check` runs them on every template)."""
    request = workflow.Request(
        target.stack_name,
        target,
        synth.template(target),
        yes=True,
        validate=False,
        going_down=going_down,
        build=build,
    )
    return workflow.run(conn, request, Terminal())


def steps() -> list[int]:
    """1 -> highest -> 1 -> highest -> 1: up and down twice, so a second phase-up must
    bring back what the first phase-down removed."""
    top = max(phases.PHASES)
    return [1, top, 1, top, 1]


def run(
    conn: Connection, app: config.AppConfig, build: images.Build | None = None
) -> workflow.Result:
    """The ladder; the first step builds and deploys `build` (if any), the others keep it."""
    ladder = steps()
    render.info(f"phases: {' -> '.join(map(str, ladder))}")
    dynamodb, table, outcome = conn.client("dynamodb"), "", None
    item = {"pk": {"S": "demo"}, "sk": {"S": "1"}}
    for step, phase in enumerate(ladder):
        started = time.perf_counter()
        going_down = step > 0 and phase < ladder[step - 1]
        first = build if step == 0 else None
        outcome = deploy(conn, config.resolve(app, ENV, phase), going_down, first)
        if not outcome.ok:
            if outcome.outcome:
                render.outcome(outcome.outcome)
            raise stacks.DeployError(f"phase {phase} failed")
        if not table:
            table = outcome.outputs["TableName"]
            dynamodb.put_item(TableName=table, Item=item)
        if "Item" not in dynamodb.get_item(TableName=table, Key=item):
            raise stacks.DeployError(f"phase {phase} lost the item written at phase 1")
        items = dynamodb.scan(TableName=table)["Count"]
        render.success(
            f"phase {phase}: {outcome.status} in {time.perf_counter() - started:.2f}s, "
            f"{render.plural(items, 'item')} in {table}"
        )
    assert outcome is not None
    return outcome


def main() -> int:
    app = config.load(CONFIG if CONFIG.exists() else None)
    was_running = emulator.status().running
    try:
        running = emulator.start()
        render.info(f"emulator at {running.endpoint}")
        build, line = build_choice(running, app.image)
        render.info(line)
        conn = local.connect(app.region, running.endpoint)
        outcome = run(conn, app, build)
        final = stacks.describe(conn.client("cloudformation"), outcome.stack)
        render.table("Outputs", ["name", "value"], sorted(stacks.outputs(final).items()))
    except AppstackError as exc:
        render.error(str(exc))
        return exc.exit_code
    finally:
        if not was_running:
            emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
