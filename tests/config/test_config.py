"""appstack.yaml: defaults, overrides, and errors that name the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from appstack import config
from appstack.errors import ConfigError, UsageError
from appstack.init_file import INIT_TEXT


def problems(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        config.parse(data)
    return caught.value.problems


def test_without_a_file_dev_staging_and_prod_exist_with_their_defaults() -> None:
    app = config.load(None)
    assert list(app.environments) == ["dev", "staging", "prod"]
    assert app.environments["dev"].nat_gateways == 1
    assert app.environments["prod"].nat_gateways == 2
    assert app.environments["prod"].deletion_protection is True


def test_the_file_init_writes_equals_the_built_in_defaults() -> None:
    assert config.parse(yaml.safe_load(INIT_TEXT)) == config.parse({})


def test_an_override_changes_one_field_and_keeps_the_others() -> None:
    app = config.parse({"environments": {"prod": {"max_count": 20}}})
    assert app.environments["prod"].max_count == 20
    assert app.environments["prod"].cpu == 1024


def test_a_new_environment_is_added_beside_the_defaults() -> None:
    app = config.parse({"environments": {"qa": {"vpc_cidr": "10.40.0.0/16"}}})
    assert list(app.environments) == ["dev", "staging", "prod", "qa"]


def test_a_new_environment_without_its_own_range_is_refused() -> None:
    [(field, message)] = problems({"environments": {"qa": {"cpu": 512, "memory": 1024}}})
    assert field == "environments.qa.vpc_cidr"
    assert "vpc_cidr: 10.40.0.0/16" in message


def test_an_unknown_key_is_named_with_a_suggestion() -> None:
    [(field, message)] = problems({"environments": {"dev": {"nat_gateway": 2}}})
    assert field == "environments.dev.nat_gateway"
    assert "did you mean 'nat_gateways'" in message


def test_an_unknown_top_level_key_lists_the_allowed_keys() -> None:
    [(field, message)] = problems({"imagee": "x"})
    assert field == "imagee"
    assert "did you mean 'image'" in message and "application_name" in message


@pytest.mark.parametrize("cidr", ["10.10.0.1/16", "banana", "10.10.0.0/33"])
def test_a_malformed_cidr_is_refused(cidr: str) -> None:
    [(field, message)] = problems({"environments": {"dev": {"vpc_cidr": cidr}}})
    assert field == "environments.dev.vpc_cidr"
    assert "10.10.0.0/16" in message


def test_a_public_range_is_refused() -> None:
    [(_, message)] = problems({"environments": {"dev": {"vpc_cidr": "8.8.0.0/16"}}})
    assert "private range" in message


def test_a_range_too_small_for_four_subnets_is_refused() -> None:
    [(_, message)] = problems({"environments": {"dev": {"vpc_cidr": "10.10.0.0/26"}}})
    assert "/16 and /24" in message


def test_overlapping_environment_ranges_are_refused() -> None:
    [(field, message)] = problems({"environments": {"staging": {"vpc_cidr": "10.10.128.0/17"}}})
    assert field == "environments.staging.vpc_cidr"
    assert "overlaps environments.dev.vpc_cidr" in message


def test_a_memory_size_that_does_not_go_with_the_cpu_is_refused_with_the_valid_sizes() -> None:
    [(field, message)] = problems({"environments": {"dev": {"cpu": 256, "memory": 4096}}})
    assert field == "environments.dev.memory"
    assert "512, 1024, 2048" in message


def test_a_cpu_that_fargate_does_not_offer_is_refused() -> None:
    [(field, message)] = problems({"environments": {"dev": {"cpu": 300}}})
    assert field == "environments.dev.cpu"
    assert "256" in message


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [(256, 512), (512, 4096), (1024, 8192), (4096, 30720), (8192, 16384), (16384, 122880)],
)
def test_every_documented_fargate_size_is_accepted(cpu: int, memory: int) -> None:
    assert config.fargate_size_problem(cpu, memory) is None


@pytest.mark.parametrize(
    ("cpu", "memory"), [(256, 3072), (512, 512), (1024, 9216), (8192, 18432), (16384, 36864)]
)
def test_undocumented_fargate_sizes_are_refused(cpu: int, memory: int) -> None:
    assert config.fargate_size_problem(cpu, memory) is not None


@pytest.mark.parametrize("name", ["MyApp", "my_app", "1app", "app-", "a" * 25, "my--app"])
def test_an_application_name_that_breaks_aws_naming_is_refused(name: str) -> None:
    [(field, message)] = problems({"application_name": name})
    assert field == "application_name"
    assert "lowercase" in message


def test_an_environment_name_that_breaks_aws_naming_is_refused() -> None:
    fields = [f for f, _ in problems({"environments": {"Prod_EU": {"vpc_cidr": "10.50.0.0/16"}}})]
    assert fields == ["environments"]


def test_desired_count_outside_the_autoscaling_bounds_is_refused() -> None:
    [(field, _)] = problems({"environments": {"dev": {"desired_count": 5}}})
    assert field == "environments.dev.desired_count"


def test_a_log_retention_cloudwatch_does_not_offer_is_refused_with_the_nearest() -> None:
    [(field, message)] = problems({"environments": {"dev": {"log_retention_days": 10}}})
    assert field == "environments.dev.log_retention_days"
    assert "nearest: 7" in message


def test_a_certificate_that_is_not_an_acm_arn_is_refused() -> None:
    [(field, _)] = problems({"environments": {"prod": {"certificate_arn": "my-cert"}}})
    assert field == "environments.prod.certificate_arn"


def test_switching_off_a_foundation_capability_is_refused() -> None:
    [(field, message)] = problems({"environments": {"dev": {"features": {"table": False}}}})
    assert field == "environments.dev.features"
    assert "foundation" in message


def test_an_unknown_capability_is_refused_with_a_suggestion() -> None:
    [(_, message)] = problems({"environments": {"dev": {"features": {"firewal": True}}}})
    assert "did you mean 'firewall'" in message


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"port": 0, "environments": {"dev": {"cpu": "lots", "nat_gateways": 3}}})
    assert {f for f, _ in found} == {
        "port",
        "environments.dev.cpu",
        "environments.dev.nat_gateways",
    }


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "appstack.yaml"
    path.write_text("application_name: app\nenvironments:\n  dev: [\n")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert str(path) in str(caught.value) and "line" in str(caught.value)


def test_an_unknown_environment_is_a_usage_error_with_the_known_ones() -> None:
    with pytest.raises(UsageError, match="environments are dev, staging, prod"):
        config.resolve(config.parse({}), "prdo")


def test_a_phase_that_does_not_exist_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="phases are 1, 2, 3, 4"):
        config.resolve(config.parse({}), "dev", 7)


def test_config_history_that_expires_before_it_is_written_is_refused() -> None:
    [(field, _)] = problems({"baseline": {"config_history": {"keep_days": 0}}})
    assert field == "baseline.config_history.keep_days"


def test_settings_that_went_to_the_account_baseline_say_where() -> None:
    [(field, message)] = problems({"environments": {"dev": {"config_history": {}}}})
    assert field == "environments.dev.config_history" and "baseline.config_history" in message
    [(_, message)] = problems({"environments": {"dev": {"config_recorder_exists": True}}})
    assert "appstack baseline adopt" in message


def test_secrets_are_names_of_environment_variables_listed_once() -> None:
    assert config.parse({"secrets": ["API_TOKEN", "STRIPE_KEY"]}).secrets == (
        "API_TOKEN",
        "STRIPE_KEY",
    )
    assert config.parse({}).secrets == ()


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (["api_token"], "upper-case letters"),
        (["1TOKEN"], "starting with a letter"),
        (["API-TOKEN"], "underscores"),
        (["AWS_REGION"], "ECS sets in every task"),
        (["ECS_CONTAINER_METADATA_URI_V4"], "ECS sets in every task"),
        (["APP_SECRET"], "set by appstack itself"),
        (["DATABASE_HOST"], "set by appstack itself"),
        (["TOKEN", "TOKEN"], "listed twice"),
    ],
)
def test_a_secret_name_that_cannot_be_one_is_refused_naming_the_field(
    names: list[str], says: str
) -> None:
    with pytest.raises(ConfigError, match="secrets") as refused:
        config.parse({"secrets": names})
    assert says in str(refused.value)
