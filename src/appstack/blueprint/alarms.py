"""Alarms: an encrypted SNS topic and the alarms that say the application is in trouble.

Each alarm is a row in `ALARMS` (metric, threshold, why), not code; `build` turns the rows
into CloudWatch alarms whose dimensions point at this stack's resources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Ref
from troposphere.cloudwatch import Alarm, MetricDimension
from troposphere.kms import Key
from troposphere.sns import SubscriptionResource, Topic

from appstack.blueprint.draft import Draft
from appstack.blueprint.loadbalancer import FrontDoor
from appstack.blueprint.service import AppService


@dataclass(frozen=True)
class AlarmSpec:
    logical_id: str
    description: str
    namespace: str
    metric: str
    dimensions: tuple[str, ...]  # names of dimensions, resolved by `_dimension`
    statistic: str
    threshold: float
    periods: int = 5
    datapoints: int = 3
    period: int = 60
    comparison: str = "GreaterThanOrEqualToThreshold"


ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec(
        "TargetErrorsAlarm",
        "The application answers with 5xx errors",
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        ("LoadBalancer",),
        "Sum",
        10,
    ),
    AlarmSpec(
        "LoadBalancerErrorsAlarm",
        "The load balancer answers with 5xx errors (no healthy task, timeouts)",
        "AWS/ApplicationELB",
        "HTTPCode_ELB_5XX_Count",
        ("LoadBalancer",),
        "Sum",
        10,
    ),
    AlarmSpec(
        "UnhealthyTargetsAlarm",
        "Tasks fail the load balancer's health check",
        "AWS/ApplicationELB",
        "UnHealthyHostCount",
        ("TargetGroup", "LoadBalancer"),
        "Maximum",
        1,
        periods=3,
        datapoints=3,
    ),
    AlarmSpec(
        "ServiceCpuAlarm",
        "The service's CPU stays high even after scaling out",
        "AWS/ECS",
        "CPUUtilization",
        ("ClusterName", "ServiceName"),
        "Average",
        85,
    ),
    AlarmSpec(
        "TableReadThrottleAlarm",
        "DynamoDB throttles reads of the table",
        "AWS/DynamoDB",
        "ReadThrottleEvents",
        ("TableName",),
        "Sum",
        1,
        periods=5,
        datapoints=2,
    ),
    AlarmSpec(
        "TableWriteThrottleAlarm",
        "DynamoDB throttles writes to the table",
        "AWS/DynamoDB",
        "WriteThrottleEvents",
        ("TableName",),
        "Sum",
        1,
        periods=5,
        datapoints=2,
    ),
)


def topic(draft: Draft, key: Key) -> Topic:
    """The encrypted topic every alarm notifies (and the e-mail subscription, if set)."""
    alarm_topic = draft.add(
        Topic(
            "AlarmTopic",
            KmsMasterKeyId=Ref(key),
            DisplayName=draft.name("alarms"),
            Tags=draft.tags("alarms"),
        )
    )
    if draft.settings.alarm_email:
        draft.add(
            SubscriptionResource(
                "AlarmEmailSubscription",
                TopicArn=Ref(alarm_topic),
                Protocol="email",
                Endpoint=draft.settings.alarm_email,
            )
        )
    draft.output("AlarmTopicArn", Ref(alarm_topic), "SNS topic that receives every alarm")
    return alarm_topic


def build(
    draft: Draft, alarm_topic: Topic, door: FrontDoor, service: AppService, table: Any
) -> list[Alarm]:
    dimensions = {
        "LoadBalancer": GetAtt(door.load_balancer, "LoadBalancerFullName"),
        "TargetGroup": GetAtt(door.target_group, "TargetGroupFullName"),
        "ClusterName": Ref(service.cluster),
        "ServiceName": GetAtt(service.service, "Name"),
        "TableName": Ref(table),
    }
    return [
        draft.add(
            Alarm(
                spec.logical_id,
                AlarmDescription=spec.description,
                Namespace=spec.namespace,
                MetricName=spec.metric,
                Dimensions=[MetricDimension(Name=d, Value=dimensions[d]) for d in spec.dimensions],
                Statistic=spec.statistic,
                Period=spec.period,
                EvaluationPeriods=spec.periods,
                DatapointsToAlarm=spec.datapoints,
                Threshold=spec.threshold,
                ComparisonOperator=spec.comparison,
                TreatMissingData="notBreaching",
                AlarmActions=[Ref(alarm_topic)],
                OKActions=[Ref(alarm_topic)],
            )
        )
        for spec in ALARMS
    ]
