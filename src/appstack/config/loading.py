"""Reading appstack.yaml: YAML text -> merged with each environment's defaults -> the
models of `appstack.config.schema` -> cross-field checks -> `AppConfig`; `resolve` picks one
environment and phase as a `Target`."""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from appstack.config.checks import cross_checks, vpn_problems
from appstack.config.fields import REGION
from appstack.config.schema import (
    DEFAULT_ENVIRONMENTS,
    DEFAULT_FILE,
    AppConfig,
    EnvironmentSettings,
    Target,
    did_you_mean,
)
from appstack.errors import ConfigError, UsageError
from appstack.phases import PHASES

#: How deep appstack.yaml may nest; its own settings nest four levels. Deeper YAML would
#: only exhaust the parser's recursion (a traceback instead of an error).
MAX_DEPTH = 32

_MERGE_TAG = "tag:yaml.org,2002:merge"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def load(path: str | Path | None = None) -> AppConfig:
    """Load appstack.yaml (or defaults when `path` is None and no file exists)."""
    if path is None:
        path = Path(DEFAULT_FILE)
        if not path.exists():
            return parse({}, source="built-in defaults")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(path),
            [("", f"cannot read the file ({exc.strerror}); run `appstack init` to write one")],
        ) from None
    return parse_text(_decode(raw, str(path)), str(path))


def parse_text(text: str, source: str = DEFAULT_FILE) -> AppConfig:
    """Validate the YAML text of a config file; raise ConfigError naming what is wrong."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(source, [("", _yaml_problem(exc, text))]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            source,
            [
                (
                    "",
                    "the file must be a mapping of keys to values, "
                    "like the one `appstack init` writes",
                )
            ],
        )
    return parse(data, source=source)


def _decode(raw: bytes, source: str) -> str:
    """The text of a config file, which must be UTF-8 (a byte-order mark is allowed)."""
    if raw.startswith(_UTF16_BOMS):
        raise ConfigError(
            source, [("", "the file is UTF-16 text; save it as UTF-8 (without BOM) and retry")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            source,
            [
                (
                    "",
                    f"byte 0x{raw[exc.start]:02x} at line {line}, column {column} is not UTF-8 "
                    "(the file may be Latin-1 or another legacy encoding); save it as UTF-8",
                )
            ],
        ) from None


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """One line saying where the YAML is broken and how."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return (
            f"not valid YAML at line {line}: the character {char!r} is not allowed in YAML "
            "text; remove it"
        )
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, _DuplicateKey):
        return f"{problem}: YAML would keep only the last one, silently; remove one"
    if isinstance(exc, _TooDeep):
        return f"{problem}{where}; appstack.yaml needs only a few levels"
    return f"not valid YAML{where}: {' '.join(problem.split())}; fix the syntax"


class _DuplicateKey(yaml.constructor.ConstructorError):
    pass


class _TooDeep(yaml.composer.ComposerError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (YAML 1.2 requires
    keys to be unique; PyYAML keeps the last) and nesting deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooDeep(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue  # a merge key may override what it merges
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(
                    None,
                    None,
                    f"the key {key!r} is given twice, at line {seen[key]} and at line {line}",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def parse(data: dict[str, Any], source: str = DEFAULT_FILE) -> AppConfig:
    """Validate a config mapping; raise ConfigError listing every problem."""
    merged = dict(data)
    merged["environments"] = _merge_environments(data.get("environments"), source)
    try:
        config = AppConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(source, [_describe(e) for e in exc.errors()]) from None
    problems = cross_checks(config)
    if problems:
        raise ConfigError(source, problems)
    config._source = source
    return config


def resolve(config: AppConfig, env_name: str, phase: int | None = None) -> Target:
    """Pick one environment and phase (the environment's own phase when `phase` is None)."""
    if env_name not in config.environments:
        known = ", ".join(config.environments)
        raise UsageError(
            f"unknown environment {env_name!r}{did_you_mean(env_name, config.environments)}; "
            f"environments are {known} (add one under `environments:` in "
            f"{DEFAULT_FILE})"
        )
    env = config.environments[env_name]
    if phase is None:
        phase = env.phase
    if phase not in PHASES:
        raise UsageError(f"phase {phase} does not exist; phases are {', '.join(map(str, PHASES))}")
    target = Target(config, env_name, env, phase)
    if target.has("vpn"):
        problems = vpn_problems(env.vpn, env.vpc_cidr, config.region)
        if problems:
            where = f"environments.{env_name}.vpn"
            raise ConfigError(config.source, [(f"{where}.{f}", m) for f, m in problems])
    return target


def in_region(config: AppConfig, region: str | None) -> AppConfig:
    """The config deployed to another Region (`--region`): the template, the checks and the
    prices follow the Region the stack goes to."""
    if region is None or region == config.region:
        return config
    if not REGION.match(region):
        raise UsageError(f"--region {region!r} is not an AWS Region code; write it like us-east-1")
    return config.model_copy(update={"region": region})  # keeps the source


def _merge_environments(raw: Any, source: str) -> Any:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return raw  # pydantic reports the type
    merged: dict[str, Any] = {}
    for name in [*DEFAULT_ENVIRONMENTS, *(n for n in raw if n not in DEFAULT_ENVIRONMENTS)]:
        base = DEFAULT_ENVIRONMENTS.get(name, {})
        override = raw.get(name, {}) or {}
        if not isinstance(override, dict):
            merged[name] = override
            continue
        if name not in DEFAULT_ENVIRONMENTS and "vpc_cidr" not in override:
            raise ConfigError(
                source,
                [
                    (
                        f"environments.{name}.vpc_cidr",
                        "a new environment needs its own VPC range; add "
                        "`vpc_cidr: 10.40.0.0/16` (any private range not used "
                        "by another environment)",
                    )
                ],
            )
        merged[name] = _deep_merge(base, override)
    return merged


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


#: Environment settings that went to the account baseline, and what to do instead.
MOVED_TO_BASELINE = {
    "config_history": "config_history is the account baseline's now (its stack holds the "
    "Config bucket): move it to baseline.config_history",
    "config_recorder_exists": "config_recorder_exists is gone: the account baseline holds the "
    "one recorder (appstack baseline deploy; a recorder an environment stack holds moves "
    "there with appstack baseline adopt STACK): remove it",
}


def _describe(error: Any) -> tuple[str, str]:
    loc = tuple(error["loc"])
    path = ".".join(str(p) for p in loc)
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        key = str(loc[-1])
        message = MOVED_TO_BASELINE.get(key) or (
            f"unknown key {key!r}{did_you_mean(key, allowed)}; "
            f"allowed keys here: {', '.join(allowed)}"
        )
    elif kind in ("int_parsing", "float_parsing", "int_type", "bool_parsing", "string_type"):
        message = f"{message} (got {_short(error.get('input'))})"
    elif kind == "missing":
        message = "this field is required"
    return path, message


def _short(value: Any) -> str:
    """A value as an error shows it: cut short (an alias can make a small file a huge value)."""
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 2, 60, 60
    return short.repr(value)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = AppConfig
    i = 0
    while i < len(loc):
        if model is AppConfig and loc[i] == "environments":
            model, i = EnvironmentSettings, i + 2
            continue
        annotation = model.model_fields[str(loc[i])].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        i += 1
    return list(model.model_fields)
