"""The gate every Region of a multi-Region deploy passes together: open when all planned,
shut when one failed first (unless continue_on_error), the question asked once."""

from __future__ import annotations

import pytest

from appstack.deploy import regions
from appstack.deploy.workflow import Result


def ok(region: str) -> Result:
    return Result(region, None)


def test_the_gate_opens_once_every_region_has_planned_or_ended_and_asks_once() -> None:
    gate = regions.Gate(["a", "b", "c"], continue_on_error=False)
    asked: list[bool] = []
    gate.decide = lambda: asked.append(True) or True

    def deploy(region: str) -> Result:
        if region == "c":
            return ok(region)  # nothing to change: it never reaches the gate
        assert gate.arrive(region)
        return ok(region)

    results = regions.run(["a", "b", "c"], deploy, gate)
    assert [r.ok for r in results] == [True, True, True] and asked == [True]


@pytest.mark.parametrize("continue_on_error", [False, True])
def test_a_region_that_fails_first_shuts_the_gate_unless_continue_on_error(
    continue_on_error: bool,
) -> None:
    gate = regions.Gate(["a", "b"], continue_on_error)
    passed: dict[str, bool] = {}

    def deploy(region: str) -> Result:
        if region == "b":
            raise RuntimeError("check failed")
        passed[region] = gate.arrive(region)
        return ok(region)

    results = regions.run(["a", "b"], deploy, gate)
    assert passed == {"a": continue_on_error} and gate.failed == ["b"]
    assert isinstance(results[1].error, RuntimeError)


def test_a_no_to_the_question_shuts_the_gate() -> None:
    gate = regions.Gate(["a"], continue_on_error=False)
    gate.decide = lambda: False
    passed = regions.run(
        ["a"], lambda r: Result(r, None) if gate.arrive(r) else Result(r, {}), gate
    )
    assert passed[0].result is not None and passed[0].result.found == {}
