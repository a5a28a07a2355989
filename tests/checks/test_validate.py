"""Validate: cfn-lint and appstack's rules on a template (checkov has its test in test_scan.py);
a report is good only without errors and warnings."""

from __future__ import annotations

import copy

from appstack import config
from appstack.checks.findings import Finding
from appstack.checks.validate import Report, validate, validate_many
from conftest import synth


def target(env: str = "dev") -> config.Target:
    return config.resolve(config.parse({}), env, 1)


def test_a_report_is_good_without_errors_and_warnings() -> None:
    note = Finding("I3011", "informational", "Table", "a note")
    warning = Finding("W2001", "warning", "", "a warning")
    error = Finding("E3002", "error", "Table", "an error")
    assert Report(target(), []).ok and Report(target(), [note]).ok
    assert not Report(target(), [note, warning]).ok
    assert not Report(target(), [error]).ok


def test_appstacks_template_passes_cfn_lint_and_its_own_rules() -> None:
    report = validate(target(), synth(), scan=False)
    assert report.ok, report.findings


def test_a_table_that_would_lose_its_data_is_reported_by_cfn_lint_and_appstacks_rule() -> None:
    template = copy.deepcopy(synth())
    del template["Resources"]["Table"]["DeletionPolicy"]
    report = validate(target(), template, scan=False)
    assert not report.ok
    # W3011: an UpdateReplacePolicy without its DeletionPolicy; AS003: stateful, not kept.
    assert {(f.rule, f.resource) for f in report.findings} == {
        ("W3011", "Table"),
        ("AS003", "Table"),
    }


def test_each_report_belongs_to_its_own_target() -> None:
    dev, prod = target("dev"), target("prod")
    broken = copy.deepcopy(synth(env="prod"))
    del broken["Resources"]["Table"]["DeletionPolicy"]
    reports = validate_many([(dev, synth()), (prod, broken)], scan=False)
    assert [(r.target.env_name, r.ok) for r in reports] == [("dev", True), ("prod", False)]


def test_the_same_environment_and_phase_twice_gets_two_reports() -> None:
    """Two templates of dev at phase 1 (other settings) are two verdicts, not one."""
    other = copy.deepcopy(synth())
    del other["Resources"]["Table"]["DeletionPolicy"]
    clean, broken = validate_many([(target(), synth()), (target(), other)], scan=False)
    assert clean.ok and not broken.ok
