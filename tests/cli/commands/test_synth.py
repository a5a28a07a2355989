"""`appstack synth`: the template of one environment, or of every buildable one with --all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_runner import run


def test_synth_writes_the_template_and_prints_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["synth", "prod", "--phase", "1", "--out", str(tmp_path)], capsys)
    path = tmp_path / "myapp-prod-phase1.template.json"
    assert code == 0 and out.strip() == str(path)
    template = json.loads(path.read_text())
    assert template["Parameters"]["EnvironmentName"]["Default"] == "prod"


def test_synth_writes_yaml_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["synth", "dev", "--format", "yaml", "--out", str(tmp_path)], capsys)
    assert code == 0 and out.strip().endswith("myapp-dev-phase1.template.yaml")
    assert "VPC" in yaml.safe_load(Path(out.strip()).read_text())["Resources"]


def test_synth_uses_the_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "shop.yaml"
    cfg.write_text("application_name: shop\n")
    code, out, _ = run(["synth", "dev", "-c", str(cfg), "--out", str(tmp_path)], capsys)
    assert code == 0 and out.strip().endswith("shop-dev-phase1.template.json")


def test_an_unknown_environment_exits_2_and_names_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["synth", "qa"], capsys)
    assert code == 2 and "environments are dev, staging, prod" in err


def test_synth_all_writes_every_buildable_template_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["synth", "--all", "--out", str(tmp_path)], capsys)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert code == 0 and len(written) == len(out.split()) >= 3
    assert "myapp-prod-phase1.template.json" in written


def test_synth_all_says_which_phases_it_leaves_out_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = tmp_path / "appstack.yaml"
    config_file.write_text(
        "environments:\n  dev: {vpn: {customer_gateway_ip: 203.0.113.10}}\n"
        "  staging: {features: {vpn: false}}\n"
    )
    out_dir = tmp_path / "out"
    code, out, err = run(["synth", "--all", "-c", str(config_file), "--out", str(out_dir)], capsys)
    assert code == 0
    assert "prod: phases 3, 4 left out" in err and "customer_gateway_ip" in err
    assert "dev:" not in err and "staging:" not in err
    assert "myapp-dev-phase4.template.json" in out and "myapp-staging-phase4" in out
    assert "myapp-prod-phase3" not in out


def test_synth_without_an_environment_or_all_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["synth"], capsys)
    assert code == 2 and "--all" in err


def test_synth_loads_neither_boto3_nor_moto_nor_cfn_lint(tmp_path: Path) -> None:
    code = (
        "import sys; from appstack.cli import main\n"
        "try: main(['synth', 'dev', '--out', sys.argv[1]])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('boto3', 'moto', 'cfnlint') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
