"""Firewall: a regional WAFv2 web ACL on the load balancer, rate limit and managed rules, logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from appstack.blueprint import firewall
from appstack.errors import ConfigError
from conftest import Template, of_type, props, refs, synth

Build = Callable[..., Template]


@pytest.fixture(scope="module")
def dev2(build_template: Build) -> Template:
    return build_template("dev", 2)


def rules(template: Template) -> dict[str, dict[str, Any]]:
    return {r["Name"]: r for r in props(template, "WebAcl")["Rules"]}


def test_the_web_acl_is_regional_and_allows_by_default(dev2: Template) -> None:
    acl = props(dev2, "WebAcl")
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True


def test_each_client_ip_is_rate_limited_per_five_minutes(dev2: Template) -> None:
    rule = rules(dev2)["rate-limit-per-ip"]
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement == {"Limit": 2000, "EvaluationWindowSec": 300, "AggregateKeyType": "IP"}
    assert rule["Action"] == {"Block": {}}


def test_the_rate_limit_comes_from_the_config() -> None:
    template = synth({"environments": {"dev": {"firewall": {"rate_limit": 500}}}}, phase=2)
    assert rules(template)["rate-limit-per-ip"]["Statement"]["RateBasedStatement"]["Limit"] == 500


@pytest.mark.parametrize("limit", [9, 2_000_000_001])
def test_a_rate_limit_waf_refuses_is_refused_by_the_config(limit: int) -> None:
    with pytest.raises(ConfigError, match="rate_limit"):
        synth({"environments": {"dev": {"firewall": {"rate_limit": limit}}}}, phase=2)


def test_the_evaluation_window_is_one_waf_accepts() -> None:
    assert firewall.EVALUATION_WINDOW_SEC in (60, 120, 300, 600)
    assert (firewall.RATE_LIMIT_MIN, firewall.RATE_LIMIT_MAX) == (10, 2_000_000_000)


def test_aws_managed_rule_groups_run_as_published(dev2: Template) -> None:
    by_name = rules(dev2)
    for group in (
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
    ):
        rule = by_name[group]
        assert rule["Statement"]["ManagedRuleGroupStatement"] == {
            "VendorName": "AWS",
            "Name": group,
        }
        # None lets the group's Block actions apply; Count would only watch.
        assert rule["OverrideAction"] == {"None": {}}
        assert "Action" not in rule


def test_rules_have_unique_priorities_and_metric_names(dev2: Template) -> None:
    all_rules = props(dev2, "WebAcl")["Rules"]
    priorities = [r["Priority"] for r in all_rules]
    metrics = [r["VisibilityConfig"]["MetricName"] for r in all_rules]
    assert len(set(priorities)) == len(priorities) == 4
    assert len(set(metrics)) == len(metrics)
    assert min(priorities) == rules(dev2)["rate-limit-per-ip"]["Priority"]


def test_the_web_acl_guards_the_load_balancer(dev2: Template) -> None:
    association = props(dev2, "WebAclAssociation")
    assert association["ResourceArn"] == {"Ref": "LoadBalancer"}
    assert association["WebACLArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}


def test_requests_are_logged_to_a_log_group_waf_accepts(dev2: Template) -> None:
    name = props(dev2, "WebAclLogGroup")["LogGroupName"]["Fn::Sub"]
    assert name.startswith("aws-waf-logs-")
    logging = props(dev2, "WebAclLogging")
    assert logging["ResourceArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    [destination] = logging["LogDestinationConfigs"]
    # WAF wants the plain log group ARN, not Fn::GetAtt Arn (which ends with ":*").
    assert "Fn::GetAtt" not in destination
    assert destination["Fn::Sub"].endswith(":log-group:${WebAclLogGroup}")
    assert refs(destination) >= {"WebAclLogGroup"}


def test_waf_writes_its_logs_under_our_own_resource_policy_scoped_to_the_group(
    dev2: Template,
) -> None:
    # Without one, WAF edits the account's shared AWSWAF-LOGS policy (5,120 characters,
    # 10 policies per Region) and fails in busy accounts. The policy CloudWatch Logs documents
    # for vended logs: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html
    [(logical_id, policy)] = of_type(dev2, "AWS::Logs::ResourcePolicy").items()
    document = json.loads(policy["Properties"]["PolicyDocument"]["Fn::Sub"])
    [statement] = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    [resource] = statement["Resource"]
    assert resource.endswith(":log-group:${WebAclLogGroup}:log-stream:*")
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "${AWS::AccountId}"}
    assert "${AWS::AccountId}" in statement["Condition"]["ArnLike"]["aws:SourceArn"]
    # Created before WAF is told to log: WAF looks for a policy that lets it write.
    assert logical_id in dev2["Resources"]["WebAclLogging"]["DependsOn"]


def test_the_authorization_header_never_reaches_the_logs(dev2: Template) -> None:
    redacted = props(dev2, "WebAclLogging")["RedactedFields"]
    assert {"SingleHeader": {"Name": "authorization"}} in redacted


def test_no_firewall_on_phase_1(dev: Template) -> None:
    assert not of_type(dev, "AWS::WAFv2::WebACL")
