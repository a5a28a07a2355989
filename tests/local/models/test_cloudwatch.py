"""AWS::CloudWatch::Alarm on the emulator: the alarm a stack declares is the one DescribeAlarms
answers, updated in place and gone with its stack.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
(Threshold: Update requires No interruption; Ref returns the alarm name).
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, unique

REGION = "il-central-1"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def cloudwatch(emulator_endpoint: str) -> Any:
    return client("cloudwatch", emulator_endpoint, REGION)


def alarm(threshold: float) -> dict[str, Any]:
    properties = {
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "Dimensions": [{"Name": "ServiceName", "Value": "app"}],
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }
    return {"Resources": {"Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}}}


def test_the_alarm_is_described_updated_in_place_and_deleted_with_its_stack(
    cfn: Any, cloudwatch: Any
) -> None:
    stack = unique("alarm")
    assert deploy(cfn, stack, alarm(80)) == "CREATE_COMPLETE"
    name = physical_id(cfn, stack, "Alarm")
    [described] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert (described["Threshold"], described["EvaluationPeriods"]) == (80.0, 3)
    assert described["Dimensions"] == [{"Name": "ServiceName", "Value": "app"}]

    assert deploy(cfn, stack, alarm(90)) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "Alarm") == name
    [updated] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert updated["Threshold"] == 90.0

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
