"""Alarms: an encrypted topic, and alarms on what hurts users."""

from __future__ import annotations

from conftest import Template, of_type, props, refs, synth


def test_the_alarm_topic_is_encrypted_with_the_environments_key(dev: Template) -> None:
    assert refs(props(dev, "AlarmTopic")["KmsMasterKeyId"]) == {"EncryptionKey"}


def test_cloudwatch_may_use_the_key_to_publish_to_the_encrypted_topic(dev: Template) -> None:
    statements = props(dev, "EncryptionKey")["KeyPolicy"]["Statement"]
    cloudwatch = [
        s for s in statements if s["Principal"].get("Service") == "cloudwatch.amazonaws.com"
    ]
    assert cloudwatch and "kms:GenerateDataKey*" in cloudwatch[0]["Action"]


def test_an_email_subscription_exists_only_when_an_address_is_set(dev: Template) -> None:
    assert not of_type(dev, "AWS::SNS::Subscription")
    template = synth({"environments": {"dev": {"alarm_email": "ops@example.com"}}})
    [sub] = of_type(template, "AWS::SNS::Subscription").values()
    assert sub["Properties"]["Endpoint"] == "ops@example.com"


def test_alarms_watch_5xx_unhealthy_targets_cpu_and_throttling(dev: Template) -> None:
    metrics = {
        a["Properties"]["MetricName"] for a in of_type(dev, "AWS::CloudWatch::Alarm").values()
    }
    assert metrics == {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "UnHealthyHostCount",
        "CPUUtilization",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
    }


def test_every_alarm_points_at_this_stacks_resources_and_notifies_the_topic(dev: Template) -> None:
    for alarm in of_type(dev, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        assert p["AlarmActions"] == [{"Ref": "AlarmTopic"}] == p["OKActions"]
        assert refs(p["Dimensions"]) <= {
            "LoadBalancer",
            "TargetGroup",
            "Cluster",
            "Service",
            "Table",
        }
        assert refs(p["Dimensions"]), "an alarm without dimensions watches nothing of ours"
        assert p["TreatMissingData"] == "notBreaching"


def test_unhealthy_targets_are_measured_per_target_group_and_load_balancer(dev: Template) -> None:
    dims = {d["Name"] for d in props(dev, "UnhealthyTargetsAlarm")["Dimensions"]}
    assert dims == {"TargetGroup", "LoadBalancer"}
