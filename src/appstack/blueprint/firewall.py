"""Firewall: a WAFv2 web ACL in front of the load balancer, with its requests logged.

Requests are allowed unless a rule blocks them: a per-IP rate limit, then AWS's managed rule
groups for common exploits, known bad inputs and SQL injection (run as published).
"""

from __future__ import annotations

import json

from troposphere import GetAtt, Ref, Sub
from troposphere.elasticloadbalancingv2 import LoadBalancer
from troposphere.kms import Key
from troposphere.logs import ResourcePolicy
from troposphere.wafv2 import (
    AllowAction,
    BlockAction,
    DefaultAction,
    LoggingConfiguration,
    LoggingConfigurationFieldToMatch,
    ManagedRuleGroupStatement,
    OverrideAction,
    RateBasedStatement,
    RuleAction,
    SingleHeader,
    Statement,
    VisibilityConfig,
    WebACL,
    WebACLAssociation,
    WebACLRule,
)

from appstack.blueprint.draft import Draft

#: WAF logs go only to destinations whose name starts with this (WAF developer guide, logging).
LOG_GROUP_PREFIX = "aws-waf-logs-"
#: Rate-based rules: the limit is 10 to 2,000,000,000 requests per evaluation window, and the
#: window is 60, 120, 300 or 600 seconds (WAF RateBasedStatement). We count per 5 minutes.
RATE_LIMIT_MIN, RATE_LIMIT_MAX = 10, 2_000_000_000
EVALUATION_WINDOW_SEC = 300
#: AWS managed rule groups, in evaluation order after the rate limit.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
#: Who delivers vended logs (WAF's among them) into CloudWatch Logs, and what it may do there:
#: the log group resource policy of https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"
LOG_DELIVERY_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def build(draft: Draft, load_balancer: LoadBalancer, key: Key) -> WebACL:
    limit = draft.settings.firewall.rate_limit
    if not RATE_LIMIT_MIN <= limit <= RATE_LIMIT_MAX:
        raise ValueError(f"WAF rate limit {limit} is outside {RATE_LIMIT_MIN}..{RATE_LIMIT_MAX}")

    rules = [
        WebACLRule(
            Name="rate-limit-per-ip",
            Priority=0,
            Action=RuleAction(Block=BlockAction()),
            Statement=Statement(
                RateBasedStatement=RateBasedStatement(
                    Limit=limit,
                    EvaluationWindowSec=EVALUATION_WINDOW_SEC,
                    AggregateKeyType="IP",
                )
            ),
            VisibilityConfig=_visibility("rate-limit-per-ip"),
        )
    ]
    for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1):
        rules.append(
            WebACLRule(
                Name=group,
                Priority=priority,
                # None: the group's own actions apply (Count would only observe).
                OverrideAction=OverrideAction(**{"None": {}}),
                Statement=Statement(
                    ManagedRuleGroupStatement=ManagedRuleGroupStatement(
                        VendorName="AWS", Name=group
                    )
                ),
                VisibilityConfig=_visibility(group),
            )
        )

    acl = draft.add(
        WebACL(
            "WebAcl",
            Name=draft.name("web-acl"),
            Scope="REGIONAL",
            DefaultAction=DefaultAction(Allow=AllowAction()),
            Rules=rules,
            VisibilityConfig=_visibility("web-acl"),
            Tags=draft.tags("web-acl"),
        )
    )
    draft.add(
        WebACLAssociation(
            "WebAclAssociation",
            ResourceArn=Ref(load_balancer),
            WebACLArn=GetAtt(acl, "Arn"),
        )
    )

    draft.log_group(
        "WebAclLogGroup",
        key,
        "waf-logs",
        name=Sub(f"{LOG_GROUP_PREFIX}${{ApplicationName}}-${{EnvironmentSuffix}}"),
    )
    # Our own policy, scoped to our group: without one, WAF adds the group to the account's
    # shared AWSWAF-LOGS policy, which is limited to 5,120 characters (and an account to 10
    # policies per Region), so logging fails in a busy account.
    delivery_policy = draft.add(
        ResourcePolicy(
            "WebAclLogDeliveryPolicy",
            PolicyName=draft.name("waf-log-delivery"),
            PolicyDocument=Sub(json.dumps(_log_delivery_policy("WebAclLogGroup"))),
        )
    )
    draft.add(
        LoggingConfiguration(
            "WebAclLogging",
            ResourceArn=GetAtt(acl, "Arn"),
            # WAF wants the log group's ARN without the ":*" that Fn::GetAtt Arn ends with.
            LogDestinationConfigs=[
                Sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                    ":log-group:${WebAclLogGroup}"
                )
            ],
            # Never log credentials.
            RedactedFields=[
                LoggingConfigurationFieldToMatch(SingleHeader=SingleHeader(Name="authorization"))
            ],
            # WAF checks that it may write to the group when logging is switched on.
            DependsOn=[delivery_policy.title],
        )
    )
    draft.output("WebAclArn", GetAtt(acl, "Arn"), "WAF web ACL in front of the load balancer")
    return acl


def _log_delivery_policy(log_group: str) -> dict[str, object]:
    """A CloudWatch Logs resource policy letting log delivery write to `log_group` only, for
    this account's sources only (the confused-deputy guard); text for Fn::Sub."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WafLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": list(LOG_DELIVERY_ACTIONS),
                "Resource": [
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                    f":log-group:${{{log_group}}}:log-stream:*"
                ],
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"},
                    "ArnLike": {
                        "aws:SourceArn": "arn:${AWS::Partition}:logs:${AWS::Region}"
                        ":${AWS::AccountId}:*"
                    },
                },
            }
        ],
    }


def _visibility(metric: str) -> VisibilityConfig:
    return VisibilityConfig(
        SampledRequestsEnabled=True,
        CloudWatchMetricsEnabled=True,
        MetricName=metric,
    )
