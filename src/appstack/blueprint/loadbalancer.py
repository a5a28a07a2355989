"""The service's front door: security groups, the Application Load Balancer and its logs.

Only the load balancer is reachable from the internet (80/443); the tasks accept traffic
from the load balancer's security group alone, on the container port.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Join, Ref
from troposphere.ec2 import (
    SecurityGroup,
    SecurityGroupEgress,
    SecurityGroupIngress,
    SecurityGroupRule,
)
from troposphere.elasticloadbalancingv2 import (
    Action as ListenerAction,
)
from troposphere.elasticloadbalancingv2 import (
    Certificate,
    Listener,
    LoadBalancer,
    LoadBalancerAttributes,
    Matcher,
    RedirectConfig,
    TargetGroup,
    TargetGroupAttribute,
)

from appstack.blueprint.draft import Draft
from appstack.blueprint.network import Network
from appstack.blueprint.shared import access_log_bucket, no_egress

#: TLS 1.3 and 1.2 only (AWS's recommended policy for new HTTPS listeners).
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class FrontDoor:
    alb_security_group: SecurityGroup
    task_security_group: SecurityGroup
    load_balancer: LoadBalancer
    target_group: TargetGroup
    listener: Listener  # the listener that forwards to the target group
    url: Any


def security_groups(draft: Draft, network: Network) -> tuple[SecurityGroup, SecurityGroup]:
    """The load balancer's and the tasks' security groups, wired to each other."""
    port = draft.target.app.port
    alb = draft.add(
        SecurityGroup(
            "LoadBalancerSecurityGroup",
            GroupDescription="Load balancer: HTTP and HTTPS from anywhere",
            VpcId=Ref(network.vpc),
            SecurityGroupIngress=[
                SecurityGroupRule(
                    IpProtocol="tcp",
                    FromPort=p,
                    ToPort=p,
                    CidrIp="0.0.0.0/0",
                    Description=f"{name} from the internet",
                )
                for p, name in ((80, "HTTP"), (443, "HTTPS"))
            ],
            # Without an inline rule EC2 would keep its allow-all egress beside
            # LoadBalancerEgressToTasks: the load balancer reaches the tasks and nothing else.
            SecurityGroupEgress=[no_egress()],
            Tags=draft.tags("alb"),
        )
    )
    tasks = draft.add(
        SecurityGroup(
            "TaskSecurityGroup",
            GroupDescription="Application tasks: traffic from the load balancer only",
            VpcId=Ref(network.vpc),
            # HTTPS out: image pulls, AWS APIs (through NAT or the gateway endpoints).
            SecurityGroupEgress=[
                SecurityGroupRule(
                    IpProtocol="tcp",
                    FromPort=443,
                    ToPort=443,
                    CidrIp="0.0.0.0/0",
                    Description="HTTPS to AWS APIs and registries",
                )
            ],
            Tags=draft.tags("tasks"),
        )
    )
    draft.skip_check(
        alb,
        "CKV_AWS_260",
        "port 80 is the load balancer's public HTTP listener: it redirects to HTTPS when a "
        "certificate is configured, and serves the application when none is",
    )
    # Separate rule resources: the two groups refer to each other, which inline rules can't.
    draft.add(
        SecurityGroupIngress(
            "TaskIngressFromLoadBalancer",
            GroupId=Ref(tasks),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            SourceSecurityGroupId=Ref(alb),
            Description="Application port from the load balancer",
        )
    )
    draft.add(
        SecurityGroupEgress(
            "LoadBalancerEgressToTasks",
            GroupId=Ref(alb),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            DestinationSecurityGroupId=Ref(tasks),
            Description="Application port to the tasks",
        )
    )
    return alb, tasks


def build(
    draft: Draft, network: Network, alb_sg: SecurityGroup, task_sg: SecurityGroup
) -> FrontDoor:
    settings, app = draft.settings, draft.target.app
    logs_policy = access_log_bucket(draft)
    alb = draft.add(
        LoadBalancer(
            "LoadBalancer",
            Type="application",
            Scheme="internet-facing",
            Subnets=[Ref(s) for s in network.public_subnets],
            SecurityGroups=[Ref(alb_sg)],
            LoadBalancerAttributes=[
                LoadBalancerAttributes(Key=k, Value=v)
                for k, v in (
                    ("access_logs.s3.enabled", "true"),
                    ("access_logs.s3.bucket", Ref("AccessLogBucket")),
                    ("routing.http.drop_invalid_header_fields.enabled", "true"),
                    ("deletion_protection.enabled", str(settings.deletion_protection).lower()),
                )
            ],
            # ELB checks it can write its logs when the attribute is set: the policy comes first.
            # An internet-facing load balancer needs the internet gateway attached first, and
            # on delete must go before the gateway is detached.
            DependsOn=[logs_policy.title, network.internet_attachment.title],
            Tags=draft.tags("alb"),
        )
    )
    target_group = draft.add(
        TargetGroup(
            "TargetGroup",
            TargetType="ip",
            Protocol="HTTP",
            Port=app.port,
            VpcId=Ref(network.vpc),
            HealthCheckEnabled=True,
            HealthCheckProtocol="HTTP",
            HealthCheckPath=app.health_check_path,
            HealthCheckIntervalSeconds=15,
            HealthCheckTimeoutSeconds=5,
            HealthyThresholdCount=2,
            UnhealthyThresholdCount=3,
            Matcher=Matcher(HttpCode="200-399"),
            TargetGroupAttributes=[
                TargetGroupAttribute(Key="deregistration_delay.timeout_seconds", Value="30")
            ],
            Tags=draft.tags("tg"),
        )
    )
    forward = [ListenerAction(Type="forward", TargetGroupArn=Ref(target_group))]
    if settings.certificate_arn:
        listener = draft.add(
            Listener(
                "HttpsListener",
                LoadBalancerArn=Ref(alb),
                Port=443,
                Protocol="HTTPS",
                SslPolicy=SSL_POLICY,
                Certificates=[Certificate(CertificateArn=settings.certificate_arn)],
                DefaultActions=forward,
            )
        )
        draft.add(
            Listener(
                "HttpListener",
                LoadBalancerArn=Ref(alb),
                Port=80,
                Protocol="HTTP",
                DefaultActions=[
                    ListenerAction(
                        Type="redirect",
                        RedirectConfig=RedirectConfig(
                            Protocol="HTTPS", Port="443", StatusCode="HTTP_301"
                        ),
                    )
                ],
            )
        )
        url = Join("", ["https://", GetAtt(alb, "DNSName")])
    else:
        listener = draft.add(
            Listener(
                "HttpListener",
                LoadBalancerArn=Ref(alb),
                Port=80,
                Protocol="HTTP",
                DefaultActions=forward,
            )
        )
        for check in ("CKV_AWS_2", "CKV_AWS_103"):
            draft.skip_check(
                listener,
                check,
                "no certificate_arn is configured for this environment, so there is no HTTPS "
                "listener yet; set certificate_arn and HTTP redirects to HTTPS",
            )
        url = Join("", ["http://", GetAtt(alb, "DNSName")])
    draft.output("ServiceUrl", url, "URL of the application")
    draft.output("LoadBalancerDnsName", GetAtt(alb, "DNSName"), "DNS name of the load balancer")
    return FrontDoor(alb_sg, task_sg, alb, target_group, listener, url)
