"""The settings of appstack.yaml as typed, validated models, and `Target` (one environment
at one phase), which is all a blueprint needs. Field checks live here; checks that span
fields live in `appstack.config.checks`."""

from __future__ import annotations

import difflib
import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from appstack.config import teams
from appstack.config.baseline import BaselineSettings
from appstack.config.checks import PRIVATE_RANGES, vpn_facts
from appstack.config.fields import REGION, log_retention
from appstack.data import load as data_file
from appstack.phases import ALL_CAPABILITIES, FOUNDATION, PHASES, capabilities

DEFAULT_FILE = "appstack.yaml"

_APP_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_ENV_NAME = re.compile(r"^[a-z][a-z0-9]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")
MAX_APP_NAME = 24
MAX_ENV_NAME = 10

#: How the tasks reach the internet (image pulls, AWS APIs): `nat_gateway` from the private
#: subnets through NAT; `public` from the public subnets with a public IPv4 address each,
#: reachable only from the load balancer's security group (README "Egress").
Egress = Literal["nat_gateway", "public"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    """Aurora PostgreSQL Serverless v2 capacity, in Aurora capacity units (ACU).

    `min_capacity: 0` pauses idle instances after `seconds_until_auto_pause`; the bounds
    depend on the engine version (`aurora_capacity_problems`)."""

    min_capacity: float = Field(0.5, ge=0, le=256)
    max_capacity: float = Field(2, ge=1, le=256)
    seconds_until_auto_pause: int = Field(300, ge=300, le=86_400)
    readers: int = Field(0, ge=0, le=15)
    #: Create the cluster's PostgreSQL log group (retention, KMS key) before the cluster. It
    #: names the cluster, so keep it false for a database an earlier appstack created (with
    #: a generated identifier): naming it would replace it.
    own_log_group: bool = True


class FirewallSettings(_Strict):
    """WAF: requests allowed per client IP in any 5-minute window."""

    rate_limit: int = Field(2000, ge=10, le=2_000_000_000)


class CacheSettings(_Strict):
    node_type: str = Field("cache.t4g.micro", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    nodes: int = Field(1, ge=1, le=6)
    engine: Literal["redis", "valkey"] = "redis"
    #: Days ElastiCache keeps automatic snapshots (0 turns them off; at most 35).
    #: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-automatic.html
    snapshot_retention_days: int = Field(1, ge=0, le=35)


class VpnSettings(_Strict):
    """Site-to-site VPN to the on-premise network."""

    customer_gateway_ip: ipaddress.IPv4Address | None = None
    bgp_asn: int = Field(65000, ge=1, le=4_294_967_294)
    #: ASN of the AWS side (virtual private gateway); None keeps AWS's default (64512).
    amazon_side_asn: int | None = None
    on_premise_cidrs: tuple[ipaddress.IPv4Network, ...] = ()
    static_routes: bool = False

    @field_validator("amazon_side_asn")
    @classmethod
    def _amazon_side_asn(cls, value: int | None) -> int | None:
        ranges = vpn_facts()["amazon_side_asn"]["ranges"]
        if value is not None and not any(lo <= value <= hi for lo, hi in ranges):
            raise ValueError(
                f"{value} is not a private ASN AWS accepts for a virtual private gateway; "
                "use 64512 to 65534 or 4200000000 to 4294967294"
            )
        return value


#: A monthly amount of usage: a number of 0 or more.
Amount = Annotated[float, Field(ge=0)]
#: A monthly count of usage: a whole number of 0 or more.
Count = Annotated[int, Field(ge=0)]


class UsageSettings(_Strict):
    """Monthly usage the cost estimate assumes (prices come from data/prices/<region>.json)."""

    nat_gb: Amount = Field(10, description="GB through the NAT gateways")
    alb_lcu: Amount = Field(0.2, description="average ALB capacity units")
    requests_million: Amount = Field(10, description="HTTP requests (WAF inspects each)")
    table_writes_million: Amount = Field(1, description="DynamoDB write request units")
    table_reads_million: Amount = Field(5, description="DynamoDB read request units")
    table_gb: Amount = Field(1, description="DynamoDB table size")
    database_gb: Amount = Field(10, description="Aurora storage")
    database_io_million: Amount = Field(10, description="Aurora I/O requests")
    log_gb: Amount = Field(5, description="CloudWatch Logs ingested")
    config_items: Count = Field(5000, description="AWS Config configuration items recorded")
    config_evaluations_per_rule: Count = Field(2000, description="AWS Config evaluations per rule")
    trail_gb: Amount = Field(1, description="CloudTrail log files kept in S3")
    trail_data_events_million: Amount = Field(0, description="CloudTrail data events")
    secret_api_calls: Count = Field(10000, description="Secrets Manager API calls")
    traces_million: Amount = Field(1, description="X-Ray traces recorded")
    backup_gb: Amount = Field(50, description="AWS Backup storage")
    database_acu: float | None = Field(
        None, ge=0, le=256, description="average ACU per instance; None = database.min_capacity"
    )


class EnvironmentSettings(_Strict):
    """One environment's settings: network, sizes, high availability, phase."""

    vpc_cidr: ipaddress.IPv4Network
    nat_gateways: int = Field(1, ge=1, le=2)
    egress: Egress = "nat_gateway"
    cpu: int = 256
    memory: int = 512
    architecture: Literal["X86_64", "ARM64"] = "X86_64"
    #: Tasks the cost estimate assumes; the template leaves the count to autoscaling.
    desired_count: int = Field(1, ge=1, le=1000)
    min_count: int = Field(1, ge=1, le=1000)
    max_count: int = Field(2, ge=1, le=1000)
    cpu_target: int = Field(60, ge=10, le=95)
    phase: int = Field(1, ge=min(PHASES), le=max(PHASES))
    alarm_email: str | None = None
    certificate_arn: str | None = None
    log_retention_days: Annotated[int, AfterValidator(log_retention)] = 30
    deletion_protection: bool = False
    #: ECS Exec: `appstack exec` may open a shell in a running task (on for dev only).
    exec: bool = False
    features: dict[str, bool] = Field(default_factory=dict)
    database: DatabaseSettings = DatabaseSettings()
    firewall: FirewallSettings = FirewallSettings()
    cache: CacheSettings = CacheSettings()
    vpn: VpnSettings = VpnSettings()
    usage: UsageSettings = UsageSettings()
    #: The AWS account the environment lives in (12 digits), and how to reach it: a named
    #: profile, or a role to assume (from the profile, or the credential chain).
    account: str | None = None
    profile: str | None = Field(None, min_length=1, max_length=128)
    role_arn: str | None = None
    #: Regions the environment is deployed to, all at once; empty: the top-level `region`.
    regions: tuple[str, ...] = ()
    #: Tags of the stack (merged over the top-level `tags`; these win).
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        return teams.valid_tags(value)

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> Any:
        return teams.valid_account(value)

    @field_validator("role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        return teams.valid_role_arn(value)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return teams.valid_regions(value, REGION)

    @model_validator(mode="after")
    def _role_in_account(self) -> EnvironmentSettings:
        teams.check_role_account(self.account, self.role_arn)
        return self

    #: Images the ECR repository keeps (the newest); older ones expire (lifecycle policy).
    keep_images: int = Field(30, ge=1, le=10_000)

    @field_validator("vpc_cidr", mode="before")
    @classmethod
    def _cidr(cls, value: Any) -> Any:
        try:
            network = ipaddress.IPv4Network(str(value), strict=True)
        except ValueError as exc:
            raise ValueError(
                f"{value!r} is not an IPv4 network with its host bits zero ({exc}); "
                "write it like 10.10.0.0/16"
            ) from None
        if not any(network.subnet_of(r) for r in PRIVATE_RANGES):
            raise ValueError(
                f"{network} is not a private range; use one inside 10.0.0.0/8, "
                "172.16.0.0/12 or 192.168.0.0/16"
            )
        if not 16 <= network.prefixlen <= 24:
            raise ValueError(
                f"{network} has a /{network.prefixlen} prefix; a VPC here needs a "
                "prefix between /16 and /24 (four subnets are cut from it)"
            )
        return network

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address; write it like ops@example.com")
        return value

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        if value is not None and not _ACM_ARN.match(value):
            raise ValueError(
                f"{value!r} is not an ACM certificate ARN; it looks like "
                "arn:aws:acm:us-east-1:123456789012:certificate/<id>"
            )
        return value

    @field_validator("features")
    @classmethod
    def _features(cls, value: dict[str, bool]) -> dict[str, bool]:
        for name, enabled in value.items():
            if name not in ALL_CAPABILITIES:
                raise ValueError(
                    f"unknown capability {name!r}{did_you_mean(name, ALL_CAPABILITIES)}"
                    f"; capabilities are {', '.join(ALL_CAPABILITIES)}"
                )
            if name in FOUNDATION and not enabled:
                raise ValueError(f"{name!r} is part of the foundation and cannot be switched off")
        return value


def secret_name_problem(name: str, names: tuple[str, ...] = ()) -> None:
    """Refuse a name that cannot be an application secret (`data/app_secrets.json`): not an
    environment variable name, one AWS or appstack sets in the container, or given twice."""
    facts = data_file("app_secrets")
    if not re.match(facts["name_pattern"], name):
        raise ValueError(
            f"{name!r} cannot name a secret: use 1 to 100 upper-case letters, digits and "
            "underscores, starting with a letter (it becomes the environment variable)"
        )
    reserved = [p for p in facts["reserved_prefixes"] if name.startswith(p)]
    if reserved:
        raise ValueError(f"{name!r} starts with {reserved[0]}, which ECS sets in every task")
    if name in facts["set_by_appstack"]:
        raise ValueError(f"{name!r} is set by appstack itself in the container; choose another")
    if names.count(name) > 1:
        raise ValueError(f"{name!r} is listed twice")


class AppConfig(_Strict):
    """The whole appstack.yaml."""

    application_name: str = "myapp"
    image: str = "public.ecr.aws/nginx/nginx:stable"
    port: int = Field(80, ge=1, le=65535)
    health_check_path: str = Field("/", pattern=r"^/[\x21-\x7e]{0,1023}$")
    region: str = "us-east-1"
    partition_key: str = Field("pk", pattern=r"^[A-Za-z0-9_.-]{1,255}$")
    sort_key: str | None = Field("sk", pattern=r"^[A-Za-z0-9_.-]{1,255}$")
    environments: dict[str, EnvironmentSettings]
    #: Tags of every environment's stack (an environment's own `tags` win).
    tags: dict[str, str] = Field(default_factory=dict)
    #: The application's own secrets, by the environment variable each becomes in the
    #: container; `appstack secret set ENV NAME` gives each its value per environment.
    secrets: tuple[str, ...] = ()
    baseline: BaselineSettings = BaselineSettings()
    _source: str = PrivateAttr(default=DEFAULT_FILE)

    @property
    def source(self) -> str:
        """Where the settings came from (a file, or the built-in defaults), for errors."""
        return self._source

    @field_validator("application_name")
    @classmethod
    def _app_name(cls, value: str) -> str:
        if len(value) > MAX_APP_NAME or not _APP_NAME.match(value):
            raise ValueError(
                f"{value!r} cannot name AWS resources; use 1 to {MAX_APP_NAME} lowercase letters, "
                "digits and single hyphens, starting with a letter (it prefixes stack, "
                "load-balancer and log-group names, whose limits are short)"
            )
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        return teams.valid_tags(value)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION.match(value):
            raise ValueError(f"{value!r} is not an AWS Region code; write it like us-east-1")
        return value

    @field_validator("secrets")
    @classmethod
    def _secret_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            secret_name_problem(name, value)
        return value

    @field_validator("environments")
    @classmethod
    def _env_names(cls, value: dict[str, EnvironmentSettings]) -> dict[str, EnvironmentSettings]:
        if not value:
            raise ValueError("at least one environment is needed")
        for name in value:
            if len(name) > MAX_ENV_NAME or not _ENV_NAME.match(name):
                raise ValueError(
                    f"environment name {name!r} cannot name AWS resources; use 1 to "
                    f"{MAX_ENV_NAME} lowercase letters and digits, starting with a letter"
                )
        return value

    @model_validator(mode="after")
    def _tag_count(self) -> AppConfig:
        teams.check_merged_tags(self.tags, {n: e.tags for n, e in self.environments.items()})
        return self

    def stack_name(self, env: str) -> str:
        """The default CloudFormation stack name of an environment."""
        return f"{self.application_name}-{env}"


#: Built-in environments; a config file overrides their fields and may add more.
DEFAULT_ENVIRONMENTS: dict[str, dict[str, Any]] = {
    "dev": {
        "vpc_cidr": "10.10.0.0/16",
        "nat_gateways": 1,
        # No NAT gateway: $37 of dev's $77 a month at phase 1 (README "Egress").
        "egress": "public",
        "cpu": 256,
        "memory": 512,
        "desired_count": 1,
        "min_count": 1,
        "max_count": 2,
        "log_retention_days": 14,
        "exec": True,
    },
    "staging": {
        "vpc_cidr": "10.20.0.0/16",
        "nat_gateways": 1,
        "cpu": 512,
        "memory": 1024,
        "desired_count": 2,
        "min_count": 2,
        "max_count": 4,
        "log_retention_days": 30,
    },
    "prod": {
        "vpc_cidr": "10.30.0.0/16",
        "nat_gateways": 2,
        "cpu": 1024,
        "memory": 2048,
        "desired_count": 2,
        "min_count": 2,
        "max_count": 10,
        "log_retention_days": 90,
        "deletion_protection": True,
        "database": {"min_capacity": 0.5, "max_capacity": 8, "readers": 1},
        "cache": {"node_type": "cache.t4g.small", "nodes": 2, "snapshot_retention_days": 7},
        "usage": {
            "nat_gb": 100,
            "alb_lcu": 2,
            "table_writes_million": 50,
            "table_reads_million": 200,
            "table_gb": 20,
            "log_gb": 20,
        },
    },
}


@dataclass(frozen=True)
class Target:
    """One environment of one application at one phase: the input of a blueprint."""

    app: AppConfig
    env_name: str
    env: EnvironmentSettings
    phase: int

    @property
    def capabilities(self) -> tuple[str, ...]:
        return capabilities(self.phase, self.env.features)

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def stack_name(self) -> str:
        return self.app.stack_name(self.env_name)

    @property
    def is_production(self) -> bool:
        return self.env.deletion_protection

    @property
    def tags(self) -> dict[str, str]:
        """The stack's tags: the top-level `tags` with the environment's over them."""
        return teams.merged_tags(self.app.tags, self.env.tags)

    @property
    def regions(self) -> tuple[str, ...]:
        """Every Region the environment is deployed to (its `regions`, or `region`)."""
        return self.env.regions or (self.app.region,)


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
