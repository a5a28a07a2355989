"""Security bar: checkov finds 0 failed checks; every skip carries its reason."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from appstack import config
from appstack.checks.scan import checkov_executable, start_checkov
from appstack.cli.options import buildable_targets
from appstack.phases import PHASE_ADDS
from conftest import synth

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"
VPN = {"vpn": {"customer_gateway_ip": "203.0.113.10"}}
HTTPS_CHECKS = {"CKV_AWS_2", "CKV_AWS_103"}
README = Path(__file__).parents[2] / "README.md"


def skips(template: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """check id -> [(logical ID, reason)] of every checkov skip in a template."""
    found: dict[str, list[tuple[str, str]]] = {}
    for logical_id, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            found.setdefault(skip["id"], []).append((logical_id, skip["comment"]))
    return found


@pytest.fixture(scope="module")
def checkov() -> str:
    executable = checkov_executable()
    assert executable, "checkov is missing: `make scan-env` installs it into .venv-scan"
    return executable


@pytest.fixture(scope="module")
def every_template() -> dict[str, dict[str, Any]]:
    app = config.parse({"environments": {e: VPN for e in ("dev", "staging", "prod")}})
    targets = buildable_targets(app)
    with_cert = config.parse({"environments": {"prod": {**VPN, "certificate_arn": CERT}}})
    targets += [t for t in buildable_targets(with_cert) if t.env_name == "prod"]
    # Phase-4 capabilities that exist already, switched on beside phase 3.
    single = {
        f"{env}/3/http+{capability}": synth(
            {"environments": {env: {**VPN, "features": {capability: True}}}}, env=env, phase=3
        )
        for env in ("dev", "prod")
        for capability in PHASE_ADDS[4]
    }
    return single | {
        f"{t.env_name}/{t.phase}/{'https' if t.env.certificate_arn else 'http'}": synth(
            {
                "environments": {
                    t.env_name: {
                        **VPN,
                        **({"certificate_arn": CERT} if t.env.certificate_arn else {}),
                    }
                }
            },
            env=t.env_name,
            phase=t.phase,
        )
        for t in targets
    }


def test_every_env_and_phase_passes_checkov_with_0_failed_checks(
    checkov: str, every_template: dict[str, dict[str, Any]]
) -> None:
    results = start_checkov(every_template, checkov).findings()
    failed = {
        name: [(f.rule, f.resource) for f in findings]
        for name, findings in results.items()
        if findings
    }
    assert failed == {}


def test_the_scan_catches_a_bucket_open_to_the_public(checkov: str) -> None:
    template = json.loads(json.dumps(synth()))
    bucket = template["Resources"]["AccessLogBucket"]["Properties"]
    del bucket["PublicAccessBlockConfiguration"]
    rules = {f.rule for f in start_checkov({"open": template}, checkov).findings()["open"]}
    assert {"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"} <= rules


def test_every_skip_says_why(every_template: dict[str, dict[str, Any]]) -> None:
    for template in every_template.values():
        for reasons in skips(template).values():
            assert all(len(reason) > 40 for _, reason in reasons)


def test_with_a_certificate_no_https_related_skip_remains(
    every_template: dict[str, dict[str, Any]],
) -> None:
    for name, template in every_template.items():
        if name.endswith("/https"):
            assert not HTTPS_CHECKS & set(skips(template)), name


def test_the_readme_lists_every_skip(every_template: dict[str, dict[str, Any]]) -> None:
    listed = set(re.findall(r"CKV2?_AWS_\d+", README.read_text()))
    used = {check for t in every_template.values() for check in skips(t)}
    assert used <= listed


SCAN_ENV = Path(__file__).parents[2] / ".venv-scan" / "bin"


@pytest.mark.skipif(not (SCAN_ENV / "appstack").exists(), reason="`make scan-env` builds it")
def test_appstack_with_its_scan_extra_validates_phase_4_in_one_environment(
    tmp_path: Path,
) -> None:
    """`pip install 'appstack[scan]'` gives one environment (checkov's older boto3) in which
    validate finds checkov beside its own Python and passes, without PATH or settings."""
    import subprocess

    config = Path(__file__).parents[2] / "demo" / "appstack.yaml"
    env = {k: v for k, v in os.environ.items() if k != "APPSTACK_CHECKOV"}
    env["PATH"] = "/usr/bin:/bin"  # neither .venv-scan nor .venv on PATH
    done = subprocess.run(
        [str(SCAN_ENV / "appstack"), "validate", "dev", "--phase", "4", "-c", str(config)],
        cwd=tmp_path,  # no .venv-scan below the working directory either
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Without checkov, validate warns that the scan did not run and exits 1.
    assert done.returncode == 0, done.stdout + done.stderr
    version = subprocess.run(
        [str(SCAN_ENV / "python"), "-c", "import boto3; print(boto3.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "1.35.49"  # checkov's pin, inside appstack's range


def test_checkov_runs_beside_appstack_until_its_findings_are_asked_for(tmp_path: Path) -> None:
    """A stand-in checkov that answers only once the caller has gone on (a `go` file):
    were start_checkov to wait for checkov, it would wait for nothing and report a failure."""
    go = tmp_path / "go"
    fake = tmp_path / "checkov"
    report = {
        "results": {
            "failed_checks": [
                {
                    "check_id": "CKV_AWS_1",
                    "check_name": "a failed check",
                    "resource": "AWS::SNS::Topic.Topic",
                    "file_path": "/t0.template.json",
                }
            ]
        }
    }
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, pathlib, sys, time\n"
        "for _ in range(100):\n"
        f"    if pathlib.Path({str(go)!r}).exists():\n"
        f"        print(json.dumps({report!r}))\n"
        "        sys.exit(1)\n"
        "    time.sleep(0.1)\n"
        "sys.exit('nobody went on')\n"
    )
    fake.chmod(0o755)
    started = start_checkov({"dev/1": {"Resources": {}}}, str(fake))
    go.touch()
    [finding] = started.findings()["dev/1"]
    assert (finding.rule, finding.resource, finding.severity) == ("CKV_AWS_1", "Topic", "error")
