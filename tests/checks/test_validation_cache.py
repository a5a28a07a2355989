"""The validation cache: a template checked clean by the same checkers is not checked again;
anything else (a new template, a new checker version, an error, the bypass) is checked."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from appstack import config
from appstack.checks import lint, validation_cache
from appstack.checks.findings import Finding
from appstack.checks.validate import validate, validate_template
from conftest import synth

WARNING = Finding("W9999", "warning", "Table", "a warning", "its fix")
ERROR = Finding("E9999", "error", "Table", "an error", "its fix")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(validation_cache.BYPASS, raising=False)
    return tmp_path / "xdg"


@pytest.fixture
def lint_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The templates cfn-lint was run on (it finds nothing here)."""
    runs: list[dict[str, Any]] = []

    def fake(template: dict[str, Any], regions: list[str]) -> list[Finding]:
        runs.append(template)
        return []

    monkeypatch.setattr(lint, "run_cfn_lint", fake)
    return runs


def target() -> config.Target:
    return config.resolve(config.parse({}), "dev", 1)


def test_a_template_checked_clean_is_not_checked_again(cache_home: Path) -> None:
    template = synth()
    first = validate(target(), template, scan=False)
    again = validate(target(), copy.deepcopy(template), scan=False)
    assert first.ok and not first.cached
    assert again.cached and again.findings == first.findings
    assert again.checkers is not None and "cfn-lint" in again.checkers.describe()
    [stored] = (cache_home / "appstack" / "validation").glob("*.json")
    assert stored.stem == validation_cache.key(template, ["us-east-1"], again.checkers)


def test_the_cache_lives_in_the_users_cache_directory_never_the_project(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    validate(target(), synth(), scan=False)
    assert list(project.iterdir()) == []
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert validation_cache.directory() == tmp_path / "home/.cache/appstack/validation"


def test_a_changed_template_is_checked_again(cache_home: Path, lint_runs: list[Any]) -> None:
    template = synth()
    validate(target(), template, scan=False)
    changed = copy.deepcopy(template)
    changed["Resources"]["Table"]["Properties"]["TableClass"] = "STANDARD_INFREQUENT_ACCESS"
    assert not validate(target(), changed, scan=False).cached
    assert validate(target(), template, scan=False).cached
    assert len(lint_runs) == 2


def test_new_checker_versions_check_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(target(), synth(), scan=False)
    assert validate(target(), synth(), scan=False).cached
    monkeypatch.setattr(validation_cache, "rules_digest", lambda: "a rule changed")
    assert not validate(target(), synth(), scan=False).cached


def test_a_scan_is_not_answered_by_a_verdict_without_checkov() -> None:
    assert validation_cache.checkers(scan=False).checkov == "off"
    assert validation_cache.checkers(scan=True).checkov != "off"


def test_only_results_without_errors_are_kept_with_their_warnings(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([[ERROR], [WARNING], []])
    monkeypatch.setattr(lint, "run_cfn_lint", lambda *_: next(answers))
    template = synth()
    assert not validate(target(), template, scan=False).ok  # the error: not kept
    warned = validate(target(), template, scan=False)
    assert not warned.cached and warned.findings == [WARNING]
    replayed = validate(target(), template, scan=False)  # no third run: kept with its warning
    assert replayed.cached and replayed.findings == [WARNING] and not replayed.ok


def test_the_bypass_checks_every_time_and_keeps_nothing(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(validation_cache.BYPASS, "1")
    validate(target(), synth(), scan=False)
    assert not validate(target(), synth(), scan=False).cached
    assert not (cache_home / "appstack").exists()


def test_an_unreadable_verdict_is_checked_again(cache_home: Path) -> None:
    report = validate(target(), synth(), scan=False)
    assert report.checkers is not None
    for stored in (cache_home / "appstack" / "validation").glob("*.json"):
        stored.write_text("{not json")
    assert not validate(target(), synth(), scan=False).cached
    assert os.listdir(cache_home / "appstack" / "validation")


@pytest.mark.parametrize("changed", ["template.py", "data/stateful.json", "data/physical_names.py"])
def test_what_the_rules_read_is_part_of_the_key(
    changed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules read the template walker and the data files: a change to one of them in a
    working copy is a new key, as a change to a rule is."""
    import shutil

    package = Path(validation_cache.__file__).parent.parent
    copy_of = tmp_path / "appstack"
    shutil.copytree(package, copy_of, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(validation_cache, "_CHECKS", copy_of / "checks")
    monkeypatch.setattr(validation_cache, "_PACKAGE", copy_of)
    validation_cache.rules_digest.cache_clear()
    before = validation_cache.rules_digest()
    with (copy_of / changed).open("a") as edited:
        edited.write("\n")
    validation_cache.rules_digest.cache_clear()
    try:
        assert validation_cache.rules_digest() != before
    finally:
        validation_cache.rules_digest.cache_clear()


def test_the_baseline_template_checked_clean_is_not_checked_again(
    cache_home: Path, lint_runs: list[Any]
) -> None:
    from appstack.blueprint import baseline

    template = baseline.to_dict(config.parse({}).baseline)
    first = validate_template(template, "us-east-1", scan=False)
    assert validate_template(template, "us-east-1", scan=False) == first
    assert lint_runs == [template]
