"""Settings that cannot change on a deployed stack are refused in preflight, by comparing
with what is deployed (one emulator for the module; each test in a Region of its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

from appstack import config
from appstack.checks import preflight
from appstack.cli import main
from appstack.deploy.session import Connection


def deploy(path: Path, stack: str, *flags: str) -> int:
    try:
        main(["deploy", stack, "dev", "--yes", "--skip-validate", "-c", str(path), *flags])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def write(path: Path, region: str, **dev: Any) -> Path:
    import yaml

    path.write_text(
        yaml.safe_dump({"application_name": "pf", "region": region, "environments": {"dev": dev}})
    )
    return path


def findings(path: Path, stack: str, endpoint: str, phase: int = 1) -> dict[str, Any]:
    tgt = config.resolve(config.load(path), "dev", phase)
    found = preflight.preflight(tgt, stack, Connection(tgt.app.region, None, endpoint))
    return {f.rule: f for f in found}


def test_a_new_vpc_range_on_a_deployed_stack_is_refused_in_preflight(
    tmp_path: Path, emulator_endpoint: str
) -> None:
    path = write(tmp_path / "a.yaml", "ca-central-1")
    assert deploy(path, "pf-dev") == 0
    assert "PF006" not in findings(path, "pf-dev", emulator_endpoint)
    write(path, "ca-central-1", vpc_cidr="10.11.0.0/16")
    found = findings(path, "pf-dev", emulator_endpoint)["PF006"]
    assert found.severity == "error"
    assert "10.10.0.0/16" in found.message and "10.11.0.0/16" in found.message
    assert "set environments.dev.vpc_cidr back to 10.10.0.0/16" in found.fix


def test_switching_config_off_removes_only_the_environments_rules_never_the_recorder(
    tmp_path: Path, emulator_endpoint: str
) -> None:
    from appstack.cli import main

    region = "ca-west-1"  # a Region of its own: its Config recorder and rules
    path = write(tmp_path / "a.yaml", region)
    try:
        main(["baseline", "deploy", "--yes", "--skip-validate", "-c", str(path)])
    except SystemExit as exc:
        assert not exc.code
    assert deploy(path, "pf-dev", "--phase", "2") == 0
    assert "PF007" not in findings(path, "pf-dev", emulator_endpoint, phase=2)
    client = boto3.client("config", region_name=region, endpoint_url=emulator_endpoint)

    def rules() -> list[str]:
        found = client.describe_config_rules()["ConfigRules"]
        return [r["ConfigRuleName"] for r in found if r["ConfigRuleName"].startswith("pf-dev-")]

    assert rules()
    write(path, region, features={"config": False})
    assert deploy(path, "pf-dev", "--phase", "2") == 0
    assert rules() == []
    # The account's recording goes on: the recorder is the baseline's, not the environment's.
    assert client.describe_configuration_recorders()["ConfigurationRecorders"]
