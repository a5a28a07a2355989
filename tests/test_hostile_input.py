"""Random and hostile configs and arguments end in success or a clear exit-2 error, never a
traceback."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appstack import blueprint, config
from appstack.cli import cli, main
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


# ------------------------------------------------ bad paths and bad text: exit 2, one line


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run appstack; it must exit 2 with one line on stderr and no traceback. The line."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_latin_1_config_is_a_usage_error_that_asks_for_utf_8(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "appstack.yaml").write_bytes("region: us-east-1\nimage: café\n".encode("latin-1"))
    line = usage_error(["synth", "dev"], capsys)
    assert "appstack.yaml" in line and "UTF-8" in line and "line 2" in line


def test_a_utf_16_config_is_a_usage_error_that_names_utf_16(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "appstack.yaml").write_bytes("application_name: x\n".encode("utf-16"))
    line = usage_error(["synth", "dev"], capsys)
    assert "UTF-16" in line and "UTF-8" in line


def test_a_utf_8_config_with_a_byte_order_mark_is_read(in_tmp: Path) -> None:
    (in_tmp / "appstack.yaml").write_bytes("application_name: bom\n".encode("utf-8-sig"))
    assert config.load().application_name == "bom"


def test_a_control_character_in_the_config_is_one_line_with_its_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "appstack.yaml").write_text("region: us-east-1\nimage: a\x07b\n")
    line = usage_error(["synth", "dev"], capsys)
    assert "line 2" in line and "\\x07" in line


def test_a_duplicate_key_is_an_error_naming_the_key_and_both_lines(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "appstack.yaml").write_text(
        "environments:\n  dev:\n    cpu: 512\n    memory: 1024\n    cpu: 256\n"
    )
    line = usage_error(["synth", "dev"], capsys)
    assert "'cpu'" in line and "line 5" in line and "line 3" in line


def test_a_duplicate_environment_is_an_error_too() -> None:
    text = "environments:\n  dev: {phase: 2}\n  dev: {phase: 1}\n"
    with pytest.raises(ConfigError, match=r"'dev'.*line 3"):
        config.loading.parse_text(text, "appstack.yaml")


def test_a_merge_key_may_override_what_it_merges() -> None:
    text = (
        "environments:\n"
        "  qa: &base {vpc_cidr: 10.40.0.0/16, cpu: 512, memory: 1024}\n"
        "  demo: {<<: *base, vpc_cidr: 10.50.0.0/16}\n"
    )
    app = config.loading.parse_text(text, "appstack.yaml")
    assert app.environments["demo"].vpc_cidr.exploded == "10.50.0.0/16"
    assert app.environments["demo"].cpu == 512


def test_deeply_nested_yaml_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "appstack.yaml").write_text("image: " + "[" * 5000 + "]" * 5000 + "\n")
    line = usage_error(["synth", "dev"], capsys)
    assert "nested" in line and "line 1" in line


def test_an_aliased_value_is_not_expanded_into_the_error(in_tmp: Path) -> None:
    # Each level refers to the one below nine times: expanded, the last holds 9**9 items.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("image: *a8")
    (in_tmp / "appstack.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as caught:
        config.load("appstack.yaml")
    message = str(caught.value)
    assert "image" in message and len(message) < 2000, len(message)


def test_synth_into_a_path_under_a_file_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "afile").write_text("")
    line = usage_error(["synth", "dev", "--out", "afile/sub"], capsys)
    assert "afile" in line and "not a directory" in line


def test_diagram_into_a_missing_directory_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["diagram", "dev", "-o", str(in_tmp / "missing" / "dir" / "x.mmd")], capsys)
    assert "missing" in line and "does not exist" in line


def test_init_into_a_missing_directory_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["init", str(in_tmp / "missing" / "x.yaml")], capsys)
    assert "does not exist" in line
    assert not (in_tmp / "missing").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["init", "x" * 300],
        ["synth", "dev", "--out", "x" * 300],
        ["diagram", "dev", "-o", "x" * 300 + ".mmd"],
    ],
)
def test_a_file_name_too_long_for_the_system_is_a_usage_error(
    argv: list[str], in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "too long" in usage_error(argv, capsys).lower()


def test_init_onto_a_directory_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "here").mkdir()
    line = usage_error(["init", "here"], capsys)
    assert "directory" in line


@pytest.mark.parametrize(
    "argv",
    [["local", "status"], ["local", "stop"], ["status", "myapp-dev", "--local"]],
)
def test_a_local_port_that_is_not_a_number_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPSTACK_LOCAL_PORT", "abc")
    line = usage_error(argv, capsys)
    assert "APPSTACK_LOCAL_PORT" in line and "'abc'" in line


def test_a_local_port_out_of_range_in_the_environment_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPSTACK_LOCAL_PORT", "99999")
    line = usage_error(["local", "status"], capsys)
    assert "APPSTACK_LOCAL_PORT" in line and "65535" in line


@pytest.mark.parametrize("command", ["start", "stop", "status"])
def test_a_port_option_out_of_range_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["local", command, "--port", "99999"], capsys)
    assert "--port" in line and "65535" in line


@pytest.mark.parametrize(
    "garbage",
    [
        b"garbage",
        b"\xff\xfe\x00\x01",
        b"[1, 2]",
        b'{"pid": "x", "command": "y"}',
        b'{"pid": 1, "command": [1, 2]}',
        b'{"pid": -1, "command": ["a"], "time_scale": "fast"}',
        b'{"pid": 99999999999999999999999, "command": ["a"]}',
    ],
)
def test_a_garbage_state_file_is_an_emulator_that_is_not_running(
    garbage: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A state file is appstack's own record; one it cannot read (a crash, a disk error)
    means no emulator it knows of runs there, and `local stop` clears it."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    state = tmp_path / "appstack" / "emulator-4777.json"
    state.parent.mkdir()
    state.write_bytes(garbage)
    main_exits_0(["local", "status", "--port", "4777"], capsys)
    assert "emulator stopped" in capsys.readouterr().out
    main_exits_0(["local", "stop", "--port", "4777"], capsys)
    assert not state.exists()


def main_exits_0(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code in (0, None), capsys.readouterr().err


def test_an_unknown_option_is_one_line_that_points_at_the_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = usage_error(["synth", "dev", "--no-such-option"], capsys)
    assert "--no-such-option" in line and "appstack synth --help" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["synth", "dev", "--all"],
        ["synth", "--all", "--phase", "2"],
        ["validate", "prod", "--all", "--no-scan"],
    ],
)
def test_all_with_an_environment_or_a_phase_is_a_usage_error_not_ignored(
    argv: list[str], in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(argv, capsys)
    assert "--all" in line
    assert not (in_tmp / "build").exists()


def test_a_template_that_cannot_be_written_is_a_usage_error(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "build" / "myapp-dev-phase1.template.json").mkdir(parents=True)
    line = usage_error(["synth", "dev", "--phase", "1"], capsys)
    assert "myapp-dev-phase1.template.json" in line


# ------------------------------------------------ every command, random input


def every_command(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The command path of every command under `group`, found through click (so a new
    command is driven as soon as it is registered)."""
    ctx = click.Context(group)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            found += every_command(command, (*path, name))
        elif command is not None:
            found.append((*path, name))
    return found


def command_of(path: tuple[str, ...]) -> click.Command:
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    return command


COMMANDS = every_command(cli)

#: Flags that would make a random command line slow or lasting: checkov on every template,
#: a real deploy of a valid config on the shared emulator, an emulator of its own.
ALWAYS = {"--skip-validate", "--no-scan"}
NEVER = {"--yes", "--local", "--allow-data-loss", "--allow-outage"}

hostile_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-", "--", "-h", "dev", "prod", "1", "-1", "99999", "json", "\x00"]),
)
hostile_paths = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "afile/sub",
            "afile",
            "/missing/dir/x.mmd",
            ".",
            "",
            "x" * 300,
            "out.mmd",
            "out.png",
            "/proc/version",
            "/dev/null",
            "build",
        ]
    ),
)
config_bytes = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=120).map(lambda t: t.encode("utf-8")),
    st.sampled_from(
        [
            b"",
            b"environments: {dev: {phase: 2}}\n",
            b"application_name: hyp\nenvironments: {prod: {vpn: {customer_gateway_ip: 8.8.8.8}}}",
            b"region: eu-west-1\n",
        ]
    ),
    st.sampled_from(
        [
            "region: us-east-1\nimage: caf\xe9\n".encode("latin-1"),
            "application_name: x\n".encode("utf-16"),
            b"a: 1\na: 2\n",
            b"x: " + b"[" * 200 + b"]" * 200,
        ]
    ),
)


def not_an_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return True
    return False


#: Values a parameter takes when used as meant, by parameter name: half the values drawn are
#: these, so a command line gets past parsing and the config into the command's own work.
MEANT: dict[str, list[str]] = {
    "env": ["dev", "staging", "prod"],
    "phase": ["1", "2", "3", "4"],
    "to_phase": ["1", "2"],
    "from_phase": ["1", "2"],
    "region": ["us-east-1", "eu-west-1", "us-west-2"],
    "out_dir": ["build", "afile/sub", "x" * 300],
    "out_file": ["out.mmd", "out.png", "/missing/dir/x.mmd"],
    "path": ["appstack.yaml", "afile", "/missing/x.yaml"],
    "time_scale": ["0", "0.5"],
}


def value_for(param: click.Parameter, port: int) -> st.SearchStrategy[str]:
    """Random values for one parameter: as meant, or hostile."""
    if param.name == "port":  # never a free port: `local start` would start an emulator
        bad = st.one_of(st.integers(65536, 10**7).map(str), st.text(max_size=8).filter(not_an_int))
        return st.one_of(st.just(str(port)), bad)
    if param.name == "stack":  # a name no other test uses, hostile in its tail
        return st.one_of(st.just("hyp-dev"), hostile_text.map(lambda v: f"hyp{v}"))
    meant = list(MEANT.get(param.name or "", []))
    if isinstance(param.type, click.Choice):
        meant += [str(c) for c in param.type.choices]
    hostile = hostile_paths if isinstance(param.type, click.Path) else hostile_text
    if not meant:
        return hostile
    return st.one_of(st.sampled_from(meant), st.sampled_from(meant), hostile)


def command_line(data: st.DataObject, path: tuple[str, ...], port: int, config: str) -> list[str]:
    command = command_of(path)
    argv = list(path)
    for param in command.params:
        if isinstance(param, click.Argument) and data.draw(st.integers(0, 5)):
            argv.append(data.draw(value_for(param, port)))
    for option in (p for p in command.params if isinstance(p, click.Option)):
        name = max(option.opts, key=len)
        if name in NEVER or not (name in ALWAYS or option.required or data.draw(st.booleans())):
            continue
        flag = data.draw(st.sampled_from(option.opts))
        if option.is_flag:
            argv.append(flag)
        elif option.name == "config_path" and data.draw(st.integers(0, 3)):
            argv += [flag, config]
        else:
            argv += [flag, data.draw(value_for(option, port))]
    if not data.draw(st.integers(0, 4)):  # now and then, something the command does not take
        argv.append(data.draw(hostile_text))
    return argv


def test_every_command_is_driven() -> None:
    assert {("synth",), ("deploy",), ("local", "start"), ("diagram",)} <= set(COMMANDS)
    assert len(COMMANDS) >= 18


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_command_meets_random_input_without_a_traceback(
    data: st.DataObject,
    emulator_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random bytes as the config file, random paths and argument strings, every command (the
    ones that ask AWS, on the shared emulator): exit 0, 1 or 2, and never a traceback."""
    port = int(emulator_endpoint.rsplit(":", 1)[1])
    monkeypatch.setenv("APPSTACK_LOCAL_PORT", str(port))  # taken: `local start` cannot start
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))
    cwd = tmp_path_factory.mktemp("cwd")
    (cwd / "afile").write_text("")
    (cwd / "config.yaml").write_bytes(data.draw(config_bytes, label="config"))
    path = data.draw(st.sampled_from(COMMANDS), label="command")
    argv = command_line(data, path, port, "config.yaml")
    monkeypatch.chdir(cwd)
    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code in (0, 1, 2, None), f"appstack {argv} exited {exc.code}"
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("scale", ["nan", "inf", "-1"])
def test_a_time_scale_that_is_no_finite_factor_is_a_usage_error(
    scale: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    with socket.socket() as taken:  # were the scale accepted, start would stop here (exit 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("APPSTACK_LOCAL_PORT", str(taken.getsockname()[1]))
        line = usage_error(["local", "start", "--time-scale", scale], capsys)
    assert "--time-scale" in line
