"""Random and hostile configs and arguments end in success or a clear exit-2 error, never a
traceback."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appstack import blueprint, config
from appstack.cli import main
from appstack.errors import ConfigError, UsageError

ENV_KEYS = list(config.EnvironmentSettings.model_fields)
TOP_KEYS = list(config.AppConfig.model_fields)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "10.10.0.0/16",
            "10.99.0.0/20",
            "256.0.0.0/8",
            "-1",
            "",
            "0x10",
            "1e9",
            "cache.t4g.micro",
            "ARM64",
            "redis",
            "ops@example.com",
            "/health",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=8,
)
env_settings = st.dictionaries(
    st.one_of(st.sampled_from(ENV_KEYS), st.text(max_size=12)), values, max_size=6
)
configs = st.fixed_dictionaries(
    {},
    optional={
        **{k: values for k in TOP_KEYS if k != "environments"},
        "environments": st.one_of(
            values,
            st.dictionaries(
                st.one_of(st.sampled_from(["dev", "staging", "prod"]), st.text(max_size=12)),
                st.one_of(env_settings, values),
                max_size=4,
            ),
        ),
    },
)


def synth_or_refuse(data: Any) -> None:
    try:
        app = config.parse(data)
        for env in app.environments:
            blueprint.build(config.resolve(app, env, 1))
    except (ConfigError, UsageError) as exc:
        assert exc.exit_code == 2
        assert str(exc).strip(), "an error must say something"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_any_config_is_accepted_or_refused_with_exit_code_2(data: dict[str, Any]) -> None:
    synth_or_refuse(data)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    argv=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "synth",
                    "validate",
                    "init",
                    "--phase",
                    "-p",
                    "--format",
                    "--out",
                    "-c",
                    "dev",
                    "prod",
                    "qa",
                    "0",
                    "5",
                    "-1",
                    "json",
                    "xml",
                    "--all",
                    "--help",
                ]
            ),
            st.text(max_size=10),
        ),
        max_size=5,
    )
)
def test_any_command_line_exits_cleanly(
    argv: list[str],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code in (0, 1, 2), f"{argv} exited {exc.code}"
    err = capsys.readouterr().err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["init", "\x00"],
        ["synth", "dev", "-c", "app\x00.yaml"],
        ["diagram", "dev", "-o", "\x00.mmd"],
        ["synth", "--all", "--out", "out\x00"],
    ],
)
def test_a_path_with_a_nul_byte_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "NUL byte" in capsys.readouterr().err
