"""appstack.yaml: typed settings, validated, with errors that name the file, the field and the fix.

Flow: YAML text -> merged with each environment's defaults -> pydantic models -> cross-field
checks (Fargate sizes, overlapping CIDRs) -> `AppConfig`. `resolve` then picks one environment
and phase as a `Target`, which is all a blueprint needs.

- `schema`: the models (one per section of the file) and `Target`;
- `loading`: the file and its YAML, defaults merged in, errors described, `resolve`;
- `checks`: checks across fields and the facts they read (Fargate, Aurora, VPN);
- `fields`: checks of single fields more than one section holds (retention, Regions).
"""

from appstack.config.baseline import (
    BaselineSettings,
    BaselineTarget,
    ConfigHistorySettings,
    OperationPreferences,
)
from appstack.config.checks import (
    aurora_capacity_problems,
    aurora_facts,
    fargate_size_problem,
    needs_vpn_address,
    vpn_facts,
)
from appstack.config.fields import LOG_RETENTION_DAYS
from appstack.config.loading import in_region, load, parse, resolve
from appstack.config.schema import (
    DEFAULT_FILE,
    MAX_APP_NAME,
    AppConfig,
    CacheSettings,
    DatabaseSettings,
    EnvironmentSettings,
    FirewallSettings,
    Target,
    UsageSettings,
    VpnSettings,
    secret_name_problem,
)
from appstack.errors import ConfigError

__all__ = [
    "DEFAULT_FILE",
    "LOG_RETENTION_DAYS",
    "MAX_APP_NAME",
    "AppConfig",
    "BaselineSettings",
    "BaselineTarget",
    "CacheSettings",
    "ConfigError",
    "ConfigHistorySettings",
    "DatabaseSettings",
    "EnvironmentSettings",
    "FirewallSettings",
    "OperationPreferences",
    "Target",
    "UsageSettings",
    "VpnSettings",
    "aurora_capacity_problems",
    "aurora_facts",
    "fargate_size_problem",
    "in_region",
    "load",
    "needs_vpn_address",
    "parse",
    "resolve",
    "secret_name_problem",
    "vpn_facts",
]
