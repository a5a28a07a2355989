"""Service: the application on ECS Fargate behind the load balancer, in the subnets of the
environment's `egress` (private behind NAT, or public with an address each).

The task's permissions, environment and sidecars come from `draft.needs`, which the other
capabilities fill (the table, the database, the cache, tracing, secrets), so this module
never needs to know which capabilities are on.
"""

from __future__ import annotations

from dataclasses import dataclass

from awacs.aws import (
    PolicyDocument,
    Statement,
)
from troposphere import GetAtt, Ref, Sub
from troposphere.applicationautoscaling import (
    PredefinedMetricSpecification,
    ScalableTarget,
    ScalingPolicy,
    TargetTrackingScalingPolicyConfiguration,
)
from troposphere.ec2 import SecurityGroupEgress
from troposphere.ecs import (
    AwsvpcConfiguration,
    Cluster,
    ClusterSetting,
    ContainerDefinition,
    DeploymentCircuitBreaker,
    DeploymentConfiguration,
    Environment,
    LoadBalancer,
    LogConfiguration,
    NetworkConfiguration,
    PortMapping,
    RuntimePlatform,
    Secret,
    Service,
    TaskDefinition,
)
from troposphere.iam import Policy, Role
from troposphere.kms import Key
from troposphere.logs import LogGroup

from appstack.blueprint.draft import Draft
from appstack.blueprint.loadbalancer import FrontDoor
from appstack.blueprint.network import Network
from appstack.blueprint.registry import image
from appstack.blueprint.shared import service_role_trust

CONTAINER_NAME = "app"
EXECUTION_POLICY = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
)


@dataclass(frozen=True)
class AppService:
    cluster: Cluster
    service: Service
    task_definition: TaskDefinition
    log_group: LogGroup
    task_role: Role


def build(draft: Draft, network: Network, door: FrontDoor, key: Key) -> AppService:
    settings, app, needs = draft.settings, draft.target.app, draft.needs
    cluster = draft.add(
        Cluster(
            "Cluster",
            ClusterSettings=[ClusterSetting(Name="containerInsights", Value="enabled")],
            Tags=draft.tags("cluster"),
        )
    )
    log_group = draft.log_group("AppLogGroup", key, "app-logs")

    execution_role = draft.add(
        Role(
            "TaskExecutionRole",
            AssumeRolePolicyDocument=service_role_trust(
                "ecs-tasks.amazonaws.com", same_account=True
            ),
            # Pull the image and write the container's logs.
            ManagedPolicyArns=[Sub(EXECUTION_POLICY)],
            Policies=_inline("read-task-secrets", needs.execution_statements),
            Tags=draft.tags("task-execution"),
        )
    )
    task_role = draft.add(
        Role(
            "TaskRole",
            AssumeRolePolicyDocument=service_role_trust(
                "ecs-tasks.amazonaws.com", same_account=True
            ),
            Policies=_inline("application", needs.task_statements),
            Tags=draft.tags("task"),
        )
    )

    app_env = {"APP_ENV": Ref(draft.env_name), **needs.environment}
    container = ContainerDefinition(
        Name=CONTAINER_NAME,
        Image=image(draft),
        Essential=True,
        PortMappings=[PortMapping(ContainerPort=app.port, Protocol="tcp")],
        Environment=[Environment(Name=k, Value=v) for k, v in sorted(app_env.items())],
        LogConfiguration=_awslogs(log_group, CONTAINER_NAME),
    )
    # Sidecars log to the application's log group, under their own stream prefix.
    for sidecar in needs.sidecars:
        if "LogConfiguration" not in sidecar.properties:
            sidecar.LogConfiguration = _awslogs(log_group, sidecar.Name)
    if needs.secrets:
        container.Secrets = [Secret(Name=k, ValueFrom=v) for k, v in sorted(needs.secrets.items())]
    task_definition = draft.add(
        TaskDefinition(
            "TaskDefinition",
            Cpu=str(settings.cpu),
            Memory=str(settings.memory),
            NetworkMode="awsvpc",
            RequiresCompatibilities=["FARGATE"],
            RuntimePlatform=RuntimePlatform(
                OperatingSystemFamily="LINUX", CpuArchitecture=settings.architecture
            ),
            ExecutionRoleArn=GetAtt(execution_role, "Arn"),
            TaskRoleArn=GetAtt(task_role, "Arn"),
            ContainerDefinitions=[container, *needs.sidecars],
            Tags=draft.tags("task"),
        )
    )

    # Named by purpose, not position: switching one data store off must not hand its id to
    # another's rule (EC2 refuses the duplicate rule a replacement would create first).
    for purpose, description, port, destination in needs.egress:
        draft.add(
            SecurityGroupEgress(
                f"TaskEgressTo{purpose.capitalize()}",
                GroupId=Ref(door.task_security_group),
                IpProtocol="tcp",
                FromPort=port,
                ToPort=port,
                DestinationSecurityGroupId=destination,
                Description=description,
            )
        )

    service = draft.add(
        Service(
            "Service",
            Cluster=Ref(cluster),
            TaskDefinition=Ref(task_definition),
            LaunchType="FARGATE",
            # No DesiredCount: autoscaling owns the count. CloudFormation creates the service
            # with one task and omits the count from every later update ("For existing
            # services, if a desired count is not specified, it is omitted from the
            # operation", AWS::ECS::Service); registering the scalable target below moves it
            # into [min_count, max_count] (RegisterScalableTarget). With a DesiredCount, every
            # update would reset a scaled-out service (aws/containers-roadmap#493).
            # In the subnets of the environment's `egress`; NetworkConfiguration changes in
            # place (a rolling deployment), so switching `egress` moves the tasks.
            NetworkConfiguration=NetworkConfiguration(
                AwsvpcConfiguration=AwsvpcConfiguration(
                    Subnets=[Ref(s) for s in network.task_subnets],
                    SecurityGroups=[Ref(door.task_security_group)],
                    AssignPublicIp="ENABLED" if network.assign_public_ip else "DISABLED",
                )
            ),
            LoadBalancers=[
                LoadBalancer(
                    ContainerName=CONTAINER_NAME,
                    ContainerPort=app.port,
                    TargetGroupArn=Ref(door.target_group),
                )
            ],
            HealthCheckGracePeriodSeconds=60,
            DeploymentConfiguration=DeploymentConfiguration(
                MinimumHealthyPercent=100,
                MaximumPercent=200,
                DeploymentCircuitBreaker=DeploymentCircuitBreaker(Enable=True, Rollback=True),
            ),
            PropagateTags="SERVICE",
            EnableECSManagedTags=True,
            # The target group must belong to a load balancer (through a listener) first.
            DependsOn=[door.listener.title, *network.egress_routes, *needs.depends_on],
            Tags=draft.tags("service"),
        )
    )
    if network.assign_public_ip:
        draft.skip_check(
            service,
            "CKV_AWS_333",
            "egress: public: each task's public IPv4 address is its way out (no NAT gateway); "
            "the tasks' security group accepts the application port from the load "
            "balancer's group alone, so nothing on the internet can open a connection to them",
        )

    scalable = draft.add(
        ScalableTarget(
            "ServiceScalableTarget",
            ServiceNamespace="ecs",
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId=Sub("service/${Cluster}/${Service.Name}"),
            MinCapacity=settings.min_count,
            MaxCapacity=settings.max_count,
        )
    )
    draft.add(
        ScalingPolicy(
            "ServiceCpuScalingPolicy",
            PolicyName=draft.name("cpu-target"),
            PolicyType="TargetTrackingScaling",
            ScalingTargetId=Ref(scalable),
            TargetTrackingScalingPolicyConfiguration=TargetTrackingScalingPolicyConfiguration(
                PredefinedMetricSpecification=PredefinedMetricSpecification(
                    PredefinedMetricType="ECSServiceAverageCPUUtilization"
                ),
                TargetValue=float(settings.cpu_target),
                ScaleInCooldown=120,
                ScaleOutCooldown=60,
            ),
        )
    )

    draft.output("ClusterName", Ref(cluster), "ECS cluster")
    draft.output("ServiceName", GetAtt(service, "Name"), "ECS service")
    return AppService(cluster, service, task_definition, log_group, task_role)


def _awslogs(log_group: LogGroup, stream_prefix: str) -> LogConfiguration:
    return LogConfiguration(
        LogDriver="awslogs",
        Options={
            "awslogs-group": Ref(log_group),
            "awslogs-region": Ref("AWS::Region"),
            "awslogs-stream-prefix": stream_prefix,
        },
    )


def _inline(name: str, statements: list[Statement]) -> list[Policy]:
    if not statements:
        return []
    return [
        Policy(
            PolicyName=name,
            PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=statements),
        )
    ]
