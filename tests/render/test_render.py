"""What the terminal shows (`appstack.render`): table cells as text, counts in good English."""

from __future__ import annotations

import pytest

from appstack import render
from appstack.estimates import forecast


def test_table_cells_are_printed_as_text_not_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    from appstack.checks.findings import Finding

    fix = "pip install 'appstack[scan]'"
    render.findings([Finding("CHECKOV", "warning", "[Bucket]", "scan skipped", fix)])
    out = capsys.readouterr().out
    assert "appstack[scan]" in out and "[Bucket]" in out


ONE_RESOURCE = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}


def test_one_resource_is_counted_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    result = forecast.forecast(ONE_RESOURCE, None)
    render.forecast_report("dev", 1, None, result)
    render.plan_estimates(1.0, 1.0, 30, 1)
    out = capsys.readouterr().out
    assert "1 resources" not in out
    assert "(1 resource)" in out and "(1 resource to change)" in out


def test_two_resources_are_counted_in_the_plural(capsys: pytest.CaptureFixture[str]) -> None:
    render.plan_estimates(1.0, 1.0, 30, 2)
    assert "(2 resources to change)" in capsys.readouterr().out


def test_a_deploy_that_changed_nothing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    render.deployed("shop-dev", None, "text")
    assert "shop-dev: no changes" in capsys.readouterr().out


def test_a_deploy_shows_its_status_and_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    from appstack.deploy.stacks import Outcome

    done = Outcome("shop-dev", "UPDATE_COMPLETE", outputs={"Url": "https://shop.example"})
    render.deployed("shop-dev", done, "text")
    out = capsys.readouterr().out
    assert "shop-dev: UPDATE_COMPLETE" in out and "https://shop.example" in out


def test_after_a_json_document_a_deploy_adds_only_its_notices_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from appstack.deploy.stacks import Outcome

    render.deployed("shop-dev", None, "json")
    done = Outcome("shop-dev", "UPDATE_COMPLETE", warnings=["the old log group stays"])
    render.deployed("shop-dev", done, "json")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "the old log group stays" in captured.err
