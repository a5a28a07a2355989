"""An idiomatic AWS CDK (Python) app equivalent to appstack's phase 1, for the synth benchmark.

One stack per environment: VPC over 2 AZs with NAT, gateway endpoints and flow logs; an
ALB-fronted Fargate service (ecs_patterns) with access logs, circuit breaker and CPU
autoscaling; an encrypted on-demand DynamoDB table with PITR kept on delete; an encrypted
SNS topic and the same alarms. Run: python app.py OUTDIR
"""

from __future__ import annotations

import sys

import aws_cdk as cdk
from aws_cdk import (
    aws_cloudwatch_actions as cw_actions,
)
from aws_cdk import (
    aws_dynamodb as dynamodb,
)
from aws_cdk import (
    aws_ec2 as ec2,
)
from aws_cdk import (
    aws_ecs as ecs,
)
from aws_cdk import (
    aws_ecs_patterns as patterns,
)
from aws_cdk import (
    aws_elasticloadbalancingv2 as elbv2,
)
from aws_cdk import (
    aws_kms as kms,
)
from aws_cdk import (
    aws_logs as logs,
)
from aws_cdk import (
    aws_s3 as s3,
)
from aws_cdk import (
    aws_sns as sns,
)
from constructs import Construct

ENVIRONMENTS = {
    "dev": {"cidr": "10.10.0.0/16", "nat": 1, "cpu": 256, "memory": 512, "count": 1, "max": 2},
    "staging": {"cidr": "10.20.0.0/16", "nat": 1, "cpu": 512, "memory": 1024, "count": 2, "max": 4},
    "prod": {"cidr": "10.30.0.0/16", "nat": 2, "cpu": 1024, "memory": 2048, "count": 2, "max": 10},
}


class AppStack(cdk.Stack):
    def __init__(self, scope: Construct, name: str, env_name: str, settings: dict) -> None:
        super().__init__(scope, name, env=cdk.Environment(region="us-east-1"))
        key = kms.Key(
            self, "EncryptionKey", enable_key_rotation=True, removal_policy=cdk.RemovalPolicy.RETAIN
        )
        vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings["cidr"]),
            max_azs=2,
            nat_gateways=settings["nat"],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDb": ec2.GatewayVpcEndpointOptions(
                    service=ec2.GatewayVpcEndpointAwsService.DYNAMODB
                ),
            },
        )
        flow_group = logs.LogGroup(
            self, "FlowLogs", encryption_key=key, retention=logs.RetentionDays.TWO_WEEKS
        )
        vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_group)
        )
        table = dynamodb.TableV2(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
            deletion_protection=env_name == "prod",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        cluster = ecs.Cluster(
            self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED
        )
        service = patterns.ApplicationLoadBalancedFargateService(
            self,
            "Service",
            cluster=cluster,
            cpu=settings["cpu"],
            memory_limit_mib=settings["memory"],
            desired_count=settings["count"],
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            task_image_options=patterns.ApplicationLoadBalancedTaskImageOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
                environment={"APP_ENV": env_name},
                log_driver=ecs.LogDrivers.aws_logs(
                    stream_prefix="app",
                    log_group=logs.LogGroup(
                        self, "AppLogs", encryption_key=key, retention=logs.RetentionDays.TWO_WEEKS
                    ),
                ),
            ),
        )
        service.target_group.configure_health_check(path="/", healthy_http_codes="200-399")
        logs_bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        service.load_balancer.log_access_logs(logs_bucket)
        table.grant_read_write_data(service.task_definition.task_role)
        scaling = service.service.auto_scale_task_count(
            min_capacity=settings["count"], max_capacity=settings["max"]
        )
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
        topic = sns.Topic(self, "Alarms", master_key=key)
        action = cw_actions.SnsAction(topic)
        alarms = [
            service.load_balancer.metrics.http_code_target(
                elbv2.HttpCodeTarget.TARGET_5XX_COUNT
            ).create_alarm(
                self, "TargetErrors", threshold=10, evaluation_periods=5, datapoints_to_alarm=3
            ),
            service.load_balancer.metrics.http_code_elb(
                elbv2.HttpCodeElb.ELB_5XX_COUNT
            ).create_alarm(
                self, "ElbErrors", threshold=10, evaluation_periods=5, datapoints_to_alarm=3
            ),
            service.target_group.metrics.unhealthy_host_count().create_alarm(
                self, "Unhealthy", threshold=1, evaluation_periods=3
            ),
            service.service.metric_cpu_utilization().create_alarm(
                self, "Cpu", threshold=85, evaluation_periods=5, datapoints_to_alarm=3
            ),
            table.metric("ReadThrottleEvents").create_alarm(
                self, "ReadThrottles", threshold=1, evaluation_periods=5
            ),
            table.metric("WriteThrottleEvents").create_alarm(
                self, "WriteThrottles", threshold=1, evaluation_periods=5
            ),
        ]
        for alarm in alarms:
            alarm.add_alarm_action(action)


def main(outdir: str) -> None:
    app = cdk.App(outdir=outdir)
    for env_name, settings in ENVIRONMENTS.items():
        AppStack(app, f"myapp-{env_name}", env_name, settings)
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1])
