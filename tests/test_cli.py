"""The command line: synth, init, version, help, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from appstack import __version__
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


def test_init_writes_a_config_and_refuses_to_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "appstack.yaml"
    assert run(["init", str(target)], capsys)[0] == 0
    assert "environments:" in target.read_text()
    code, _, err = run(["init", str(target)], capsys)
    assert code == 2 and "--force" in err


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and __version__ in out


@pytest.mark.parametrize("command", [[], ["synth"], ["init"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0 and "Usage:" in out


def test_an_unknown_environment_exits_2_and_names_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["synth", "qa"], capsys)
    assert code == 2 and "environments are dev, staging, prod" in err


def test_a_bad_config_exits_2_with_the_field_and_no_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "appstack.yaml"
    cfg.write_text("environments:\n  prod:\n    cpu: 1024\n    memory: 512\n")
    result = subprocess.run(
        [sys.executable, "-m", "appstack", "synth", "prod", "-c", str(cfg), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "environments.prod.memory" in result.stderr and str(cfg) in result.stderr
    assert "2048" in result.stderr  # the fix: the valid sizes
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.template.json"))


def test_validate_all_passes_on_appstacks_own_templates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--all"], capsys)
    assert code == 0
    assert "myapp-prod phase 1: ok" in out


def test_validate_exits_1_and_shows_the_fix_when_a_rule_finds_something(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from appstack.checks import rules
    from appstack.checks.findings import Finding

    monkeypatch.setattr(
        rules,
        "run_rules",
        lambda template: [Finding("AS999", "error", "Table", "loses data", "keep it")],
    )
    code, out, err = run(["validate", "dev"], capsys)
    assert code == 1
    assert "AS999" in out and "keep it" in out and "did not pass" in err


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


def test_cost_prints_line_items_totals_and_hints(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", "dev"], capsys)
    assert code == 0
    assert "public IPv4" in out and "total" in out and "Cheaper choices" in out


def test_cost_as_json_carries_every_line_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cost", "prod", "--output", "json", "--region", "eu-west-1"], capsys)
    data = json.loads(out)
    assert code == 0 and data["region"] == "eu-west-1"
    (phase,) = data["phases"]
    assert phase["estimate"]["items"][0]["price_key"] == "nat_gateway_hour"
    assert phase["estimate"]["total"] == pytest.approx(
        sum(i["monthly"] for i in phase["estimate"]["items"])
    )
    assert phase["estimate"]["by_capability"]["network"] > 0


def test_cost_of_a_phase_not_yet_buildable_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["cost", "dev", "--phase", "3"], capsys)
    assert code == 2 and "phase 3" in err and "Traceback" not in err


def test_cost_of_all_phases_shows_which_are_not_buildable_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["cost", "dev", "--all-phases"], capsys)
    assert code == 0 and "cannot be built" in out and "phase 3:" in err


def test_cost_in_a_region_without_prices_names_the_known_regions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(["cost", "dev", "--region", "sa-east-1"], capsys)
    assert code == 2 and "us-east-1" in err


def test_forecast_prints_the_critical_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["forecast", "prod"], capsys)
    assert code == 0 and "critical path" in out and "LoadBalancer" in out and "floor" in out


def test_forecast_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["forecast", "dev", "--from-phase", "1", "--output", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["forecast"]["total"] == 0 and data["from_phase"] == 1


def test_diagram_writes_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "dev.mmd"
    code, out, _ = run(["diagram", "dev", "-o", str(target)], capsys)
    assert code == 0 and out.strip() == str(target)
    assert "subgraph VPC" in target.read_text()


def test_every_command_is_one_module_of_its_name_and_every_module_a_command() -> None:
    from appstack import cli
    from appstack.cli import commands

    modules = {p.stem for p in Path(commands.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == set(cli.COMMANDS)
    assert all(cli.command(name).name == name for name in cli.COMMANDS)


def test_help_lists_every_command_without_loading_boto3_pydantic_or_cfn_lint() -> None:
    code = (
        "import sys; from appstack.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('boto3', 'pydantic', 'troposphere', 'cfnlint', 'moto')"
        " if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    from appstack.cli import COMMANDS

    assert all(f"  {name} " in result.stdout for name in COMMANDS), result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


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


def test_table_cells_are_printed_as_text_not_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    from appstack import render
    from appstack.checks.findings import Finding

    fix = "pip install 'appstack[scan]'"
    render.findings([Finding("CHECKOV", "warning", "[Bucket]", "scan skipped", fix)])
    out = capsys.readouterr().out
    assert "appstack[scan]" in out and "[Bucket]" in out
