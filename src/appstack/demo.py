"""`make demo`: deploy dev on the local emulator from phase 1 straight up to the highest
phase appstack can build, back down to phase 1, up and down once more, with an item in the
table that every step must keep."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from appstack import blueprint, config, phases, render
from appstack.deploy import stacks
from appstack.deploy.session import Connection
from appstack.errors import AppstackError
from appstack.local import emulator, transforms

CONFIG = Path("demo/appstack.yaml")
ENV = "dev"


def deploy(conn: Connection, target: config.Target) -> stacks.Outcome:
    template, notes = transforms.for_emulator(blueprint.to_dict(blueprint.build(target)))
    for note in notes:
        render.note(note)
    change_set, risks = stacks.plan(
        conn, target.stack_name, stacks.current(conn, target.stack_name), template
    )
    if risks:
        stacks.discard(conn, change_set)
        render.refusal(risks)
        raise stacks.DeployError("the demo refuses to lose data")
    if change_set.empty:
        return stacks.Outcome(target.stack_name, "NO_CHANGES", change_set)
    with render.Progress(len(change_set.changes), f"phase {target.phase}") as progress:
        return stacks.apply(conn, change_set, template, False, progress.event)


def steps() -> list[int]:
    """1 -> highest -> 1 -> highest -> 1: up and down twice, so a second phase-up must
    bring back what the first phase-down removed."""
    top = max(phases.PHASES)
    return [1, top, 1, top, 1]


def run(conn: Connection, app: config.AppConfig) -> stacks.Outcome:
    ladder = steps()
    render.info(f"phases: {' -> '.join(map(str, ladder))}")
    dynamodb, table, outcome = conn.client("dynamodb"), "", None
    item = {"pk": {"S": "demo"}, "sk": {"S": "1"}}
    for phase in ladder:
        started = time.perf_counter()
        outcome = deploy(conn, config.resolve(app, ENV, phase))
        if not outcome.ok:
            render.outcome(outcome)
            raise stacks.DeployError(f"phase {phase} failed")
        if not table:
            table = outcome.outputs["TableName"]
            dynamodb.put_item(TableName=table, Item=item)
        if "Item" not in dynamodb.get_item(TableName=table, Key=item):
            raise stacks.DeployError(f"phase {phase} lost the item written at phase 1")
        items = dynamodb.scan(TableName=table)["Count"]
        render.success(
            f"phase {phase}: {outcome.status} in {time.perf_counter() - started:.2f}s, "
            f"{items} item(s) in {table}"
        )
    assert outcome is not None
    return outcome


def main() -> int:
    app = config.load(CONFIG if CONFIG.exists() else None)
    was_running = emulator.status().running
    try:
        local = emulator.start()
        render.info(f"emulator at {local.endpoint}")
        outcome = run(Connection(app.region, endpoint=local.endpoint), app)
        final = stacks.describe(
            Connection(app.region, endpoint=local.endpoint).client("cloudformation"),
            outcome.stack_name,
        )
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
