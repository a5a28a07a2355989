"""AWS::CloudWatch::Alarm on moto's CloudWatch backend."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, Place, Props, model


@model("AWS::CloudWatch::Alarm")
class MetricAlarm(BackendModel, CloudFormationModel, BaseModel):
    """AWS::CloudWatch::Alarm in moto's CloudWatch backend (DescribeAlarms sees it); Ref
    is its name."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> MetricAlarm:
        name = p.get("AlarmName") or name
        p_: Any = p  # moto types as str what CloudFormation may leave out
        alarm = at.backend(cloudwatch_backends).put_metric_alarm(
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

    def update(self, p: Props, at: Place) -> MetricAlarm:
        """PutMetricAlarm again under the same name."""
        return self.create(self.physical_id, p, at)

    def remove(self, at: Place) -> None:
        at.backend(cloudwatch_backends).delete_alarms([self.physical_id])
