"""AWS::CloudWatch::Alarm on moto's CloudWatch backend."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel


class MetricAlarm(BackendModel, CloudFormationModel, BaseModel):
    """AWS::CloudWatch::Alarm in moto's CloudWatch backend (DescribeAlarms sees it); Ref
    is its name."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    def __init__(self, name: str, arn: str) -> None:
        self.physical_id = name
        self.arn = arn

    type_name = "AWS::CloudWatch::Alarm"
    name_property = "AlarmName"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> MetricAlarm:
        name = p.get("AlarmName") or resource_name
        p_: Any = p  # moto types as str what CloudFormation may leave out
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name,
            namespace=p_.get("Namespace"),
            metric_name=p_.get("MetricName"),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p.get("Period", 60)),
            threshold=float(p.get("Threshold", 0)),
            statistic=p_.get("Statistic"),
            description=p.get("AlarmDescription", ""),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in p.get("Dimensions", [])],
            alarm_actions=list(p.get("AlarmActions", [])),
            ok_actions=list(p.get("OKActions", [])),
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            treat_missing_data=p.get("TreatMissingData"),
        )
        return cls(name, alarm.alarm_arn)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> MetricAlarm:
        """PutMetricAlarm again under the same name."""
        return self.create(self.physical_id, p, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([self.physical_id])
