"""Reading appstack.yaml: YAML text -> merged with each environment's defaults -> the
models of `appstack.config.schema` -> cross-field checks -> `AppConfig`; `resolve` picks one
environment and phase as a `Target`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from appstack.config.checks import cross_checks, vpn_problems
from appstack.config.schema import (
    DEFAULT_ENVIRONMENTS,
    DEFAULT_FILE,
    REGION,
    AppConfig,
    EnvironmentSettings,
    Target,
    did_you_mean,
)
from appstack.errors import ConfigError, UsageError
from appstack.phases import PHASES


def load(path: str | Path | None = None) -> AppConfig:
    """Load appstack.yaml (or defaults when `path` is None and no file exists)."""
    if path is None:
        path = Path(DEFAULT_FILE)
        if not path.exists():
            return parse({}, source="built-in defaults")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            str(path),
            [("", f"cannot read the file ({exc.strerror}); run `appstack init` to write one")],
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise ConfigError(
            str(path),
            [("", f"not valid YAML{line}: {getattr(exc, 'problem', exc)}; fix the syntax")],
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            str(path),
            [
                (
                    "",
                    "the file must be a mapping of keys to values, "
                    "like the one `appstack init` writes",
                )
            ],
        )
    return parse(data, source=str(path))


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


def _describe(error: Any) -> tuple[str, str]:
    loc = tuple(error["loc"])
    path = ".".join(str(p) for p in loc)
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        key = str(loc[-1])
        message = (
            f"unknown key {key!r}{did_you_mean(key, allowed)}; "
            f"allowed keys here: {', '.join(allowed)}"
        )
    elif kind in ("int_parsing", "float_parsing", "int_type", "bool_parsing", "string_type"):
        message = f"{message} (got {error.get('input')!r})"
    elif kind == "missing":
        message = "this field is required"
    return path, message


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
