"""Validate: every check appstack runs on a template before it may be deployed.

A template already checked without errors by the same checkers is not checked again: its
verdict comes from the validation cache (`validation_cache`). cfn-lint, the rules and
checkov are imported and started only for the templates that need checking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from appstack.checks import validation_cache
from appstack.checks.findings import Finding
from appstack.config import Target


@dataclass(frozen=True)
class Report:
    target: Target
    findings: list[Finding] = field(default_factory=list)
    #: The verdict came from the validation cache: these checkers passed this very template.
    cached: bool = False
    #: The checkers (versions) the verdict stands for.
    checkers: validation_cache.Checkers | None = None

    @property
    def ok(self) -> bool:
        # appstack's bar for its own templates: no errors and no warnings.
        return not [f for f in self.findings if f.severity in ("error", "warning")]


def validate(target: Target, template: dict[str, Any], scan: bool = True) -> Report:
    """cfn-lint, appstack's rules and (when `scan`) checkov on `template`, the template
    synthesized for `target` (the checks take it as it is: nothing here builds one)."""
    return validate_many([(target, template)], scan)[0]


def validate_many(
    built: Sequence[tuple[Target, dict[str, Any]]], scan: bool = True
) -> list[Report]:
    """`validate` for several (target, template) pairs; checkov scans them all in one run.
    Templates whose verdict is cached are not checked again."""
    # Named by position too: the same environment and phase may come twice (other settings).
    named = [(f"{t.env_name}/{t.phase}#{i}", t.app.region, tpl) for i, (t, tpl) in enumerate(built)]
    verdicts, versions = _verdicts(named, scan)
    return [
        Report(target, findings, cached=cached, checkers=versions)
        for (target, _), (findings, cached) in zip(built, verdicts, strict=True)
    ]


def validate_template(template: dict[str, Any], region: str, scan: bool = True) -> list[Finding]:
    """cfn-lint, appstack's rules and (when `scan`) checkov on a template that no environment
    builds (the account baseline's), as it deploys to `region`; cached as an environment's."""
    verdicts, _ = _verdicts([("template", region, template)], scan)
    return verdicts[0][0]


#: A template to check: its name (unique in one run), the Region it deploys to, the template.
Named = tuple[str, str, dict[str, Any]]


def _verdicts(
    named: Sequence[Named], scan: bool
) -> tuple[list[tuple[list[Finding], bool]], validation_cache.Checkers]:
    """The findings of each template and whether they are a cached verdict (a template the
    same checkers passed is not checked again), and the checkers' versions."""
    versions = validation_cache.checkers(scan)
    digests = [validation_cache.key(tpl, [region], versions) for _, region, tpl in named]
    known = [validation_cache.lookup(digest) for digest in digests]
    unchecked = [item for item, found in zip(named, known, strict=True) if found is None]
    checked = iter(_check(unchecked, scan) if unchecked else [])
    verdicts: list[tuple[list[Finding], bool]] = []
    for digest, found in zip(digests, known, strict=True):
        if found is not None:
            verdicts.append((found, True))
            continue
        findings = next(checked)
        validation_cache.store(digest, findings, versions)
        verdicts.append((findings, False))
    return verdicts, versions


def _check(named: Sequence[Named], scan: bool) -> list[list[Finding]]:
    """The findings of each template, checked now."""
    from appstack.checks import lint, rules  # cfn-lint takes 0.4 s to import
    from appstack.checks import scan as checkov

    templates = {name: tpl for name, _, tpl in named}
    # checkov is a separate program: it scans on another core while cfn-lint and the rules run.
    scan_run = checkov.start_checkov(templates) if scan else None
    linted = {
        name: lint.run_cfn_lint(template, [region]) + rules.run_rules(template)
        for name, region, template in named
    }
    scanned = scan_run.findings() if scan_run else {}
    return [linted[name] + scanned.get(name, []) for name in templates]
