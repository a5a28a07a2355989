"""`appstack validate`: cfn-lint, appstack's rules and checkov over the templates; exit 1 on
a finding, counted in good English."""

from __future__ import annotations

import pytest

from cli_runner import run


@pytest.fixture
def a_rule_finds_something(monkeypatch: pytest.MonkeyPatch) -> None:
    """One of appstack's rules finds one error in every template."""
    from appstack.checks import rules
    from appstack.checks.findings import Finding

    monkeypatch.setattr(
        rules,
        "run_rules",
        lambda template: [Finding("AS999", "error", "Table", "loses data", "keep it")],
    )


def test_validate_all_passes_on_appstacks_own_templates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--all"], capsys)
    assert code == 0
    assert "myapp-prod phase 1: ok" in out


def test_validate_exits_1_and_shows_the_fix_when_a_rule_finds_something(
    capsys: pytest.CaptureFixture[str], a_rule_finds_something: None
) -> None:
    code, out, err = run(["validate", "dev"], capsys)
    assert code == 1
    assert "AS999" in out and "keep it" in out and "did not pass" in err


def test_validate_counts_one_finding_and_one_template_in_the_singular(
    capsys: pytest.CaptureFixture[str], a_rule_finds_something: None
) -> None:
    code, out, err = run(["validate", "dev", "--no-scan"], capsys)
    assert code == 1
    assert "1 finding" in out and "1 of 1 template did not pass" in err
    assert "(s)" not in out + err
