"""The `baseline:` section of appstack.yaml: the account baseline, deployed once per account
and Region (AWS Config's recorder and delivery channel, a CloudTrail trail, their buckets and
key), as one stack or, across accounts and Regions, as a CloudFormation StackSet.

AWS Config allows one configuration recorder per account and Region
(https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html), and only
the first copy of management events a trail delivers is free
(https://aws.amazon.com/cloudtrail/pricing/): both belong to the account, not to an
environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from appstack.config.fields import ACCOUNT, REGION, each_matching, log_retention

_OU = re.compile(r"^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class ConfigHistorySettings(BaseModel):
    """How long the AWS Config bucket keeps what Config delivers (configuration history and
    snapshots), and the versions an overwrite or delete leaves behind.

    The default keeps history as long as AWS Config keeps configuration items by default,
    7 years (2557 days; https://docs.aws.amazon.com/config/latest/developerguide/delete-config-data-with-retention-period.html).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    keep_days: int = Field(2557, ge=1, le=36500)
    noncurrent_version_days: int = Field(30, ge=1, le=36500)


class OperationPreferences(BaseModel):
    """How a StackSet operation rolls out over its stack instances
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html):
    a count or a percentage each, never both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_concurrent_count: int | None = Field(None, ge=1)
    max_concurrent_percentage: int | None = Field(None, ge=1, le=100)
    failure_tolerance_count: int | None = Field(None, ge=0)
    failure_tolerance_percentage: int | None = Field(None, ge=0, le=100)
    region_concurrency_type: Literal["SEQUENTIAL", "PARALLEL"] = "SEQUENTIAL"

    def as_api(self) -> dict[str, object]:
        """The OperationPreferences argument of CreateStackInstances and the others."""
        named = {
            "MaxConcurrentCount": self.max_concurrent_count,
            "MaxConcurrentPercentage": self.max_concurrent_percentage,
            "FailureToleranceCount": self.failure_tolerance_count,
            "FailureTolerancePercentage": self.failure_tolerance_percentage,
            "RegionConcurrencyType": self.region_concurrency_type,
        }
        return {k: v for k, v in named.items() if v is not None}

    @model_validator(mode="after")
    def _one_of_each(self) -> OperationPreferences:
        for what in ("max_concurrent", "failure_tolerance"):
            count, percentage = f"{what}_count", f"{what}_percentage"
            if getattr(self, count) is not None and getattr(self, percentage) is not None:
                raise ValueError(
                    f"{count} and {percentage} are both set; a StackSet operation takes one "
                    "of them: remove the other"
                )
        return self


class BaselineSettings(BaseModel):
    """The account baseline: its name (prefix of its stack, trail and key alias), how long it
    keeps what it records, whether it is protected from deletion, and where a StackSet
    deploys it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("appstack", max_length=24)
    config_history: ConfigHistorySettings = ConfigHistorySettings()
    log_retention_days: Annotated[int, AfterValidator(log_retention)] = 365
    deletion_protection: bool = True
    #: Accounts (12 digits) and Regions a StackSet deploys to; empty: this account only.
    accounts: Annotated[
        tuple[str, ...],
        AfterValidator(each_matching(ACCOUNT, "is not an AWS account id (12 digits)")),
    ] = ()
    regions: Annotated[
        tuple[str, ...],
        AfterValidator(each_matching(REGION, "is not an AWS Region code; write it like us-east-1")),
    ] = ()
    #: Organizational units (service-managed permissions through AWS Organizations).
    organizational_units: Annotated[
        tuple[str, ...],
        AfterValidator(
            each_matching(_OU, "is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id")
        ),
    ] = ()
    permission_model: Literal["SELF_MANAGED", "SERVICE_MANAGED"] | None = None
    #: Who runs a service-managed StackSet: the organization's management account (SELF), or
    #: a member account registered as delegated administrator for StackSets (DELEGATED_ADMIN;
    #: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
    call_as: Literal["SELF", "DELEGATED_ADMIN"] = "SELF"
    operation: OperationPreferences = OperationPreferences()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"{value!r} cannot name AWS resources; use lowercase letters, digits and "
                "single hyphens, starting with a letter"
            )
        return value

    @property
    def stack_name(self) -> str:
        return f"{self.name}-baseline"

    @property
    def trail_name(self) -> str:
        return f"{self.name}-trail"


@dataclass(frozen=True)
class BaselineTarget:
    """The account baseline in one account and Region: what its deploy needs, as `Target`
    is an environment's."""

    settings: BaselineSettings
    region: str

    @property
    def stack_name(self) -> str:
        return self.settings.stack_name

    @property
    def is_production(self) -> bool:
        """Termination protection and repair follow `baseline.deletion_protection`."""
        return self.settings.deletion_protection

    @property
    def tags(self) -> dict[str, str]:
        """Stack tags: none; the baseline belongs to the account, not to an environment."""
        return {}
