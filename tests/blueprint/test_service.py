"""Service: Fargate tasks in private subnets behind an ALB; least privilege; safe deploys."""

from __future__ import annotations

from conftest import Template, props, refs, synth


def test_behind_nat_the_service_runs_in_the_private_subnets_without_public_ip(
    prod: Template,
) -> None:
    network = props(prod, "Service")["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert refs(network["Subnets"]) == {"PrivateSubnet1", "PrivateSubnet2"}
    assert refs(network["SecurityGroups"]) == {"TaskSecurityGroup"}
    assert "Metadata" not in prod["Resources"]["Service"]  # no checkov check skipped


def test_with_public_egress_each_task_has_a_public_address_in_the_public_subnets(
    dev: Template,
) -> None:
    network = props(dev, "Service")["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "ENABLED"
    assert refs(network["Subnets"]) == {"PublicSubnet1", "PublicSubnet2"}
    assert refs(network["SecurityGroups"]) == {"TaskSecurityGroup"}
    [skip] = dev["Resources"]["Service"]["Metadata"]["checkov"]["skip"]
    assert skip["id"] == "CKV_AWS_333" and "load balancer" in skip["comment"]


def test_the_tasks_accept_the_load_balancer_alone_and_send_https_alone(dev: Template) -> None:
    """With a public address, the security group is all that keeps the internet out."""
    group = props(dev, "TaskSecurityGroup")
    assert "SecurityGroupIngress" not in group
    [egress] = group["SecurityGroupEgress"]
    assert (egress["FromPort"], egress["ToPort"], egress["IpProtocol"]) == (443, 443, "tcp")
    ingress = [
        props(dev, name)
        for name, r in dev["Resources"].items()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
        and refs(r["Properties"]["GroupId"]) == {"TaskSecurityGroup"}
    ]
    assert [refs(i["SourceSecurityGroupId"]) for i in ingress] == [{"LoadBalancerSecurityGroup"}]


def test_a_failed_deployment_rolls_back_by_itself(dev: Template) -> None:
    deployment = props(dev, "Service")["DeploymentConfiguration"]
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert deployment["MinimumHealthyPercent"] == 100


def test_the_service_waits_for_the_listener_that_forwards_to_its_target_group(
    dev: Template,
) -> None:
    # ... and for the route its tasks pull their image by (`egress: public`: the internet
    # gateway's): a task started before it fails to pull.
    assert dev["Resources"]["Service"]["DependsOn"] == ["HttpListener", "PublicDefaultRoute"]
    lb = props(dev, "Service")["LoadBalancers"][0]
    assert lb["TargetGroupArn"] == {"Ref": "TargetGroup"} and lb["ContainerPort"] == 80


def test_the_task_count_is_left_to_autoscaling(prod: Template) -> None:
    # A DesiredCount is sent on every update and resets a scaled-out service
    # (aws/containers-roadmap#493); without one CloudFormation omits it on updates
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html).
    assert "DesiredCount" not in props(prod, "Service")
    # The scalable target keeps the service within the environment's bounds from creation on.
    target = props(prod, "ServiceScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 10)


def test_autoscaling_tracks_cpu_within_the_environments_bounds(prod: Template) -> None:
    target = props(prod, "ServiceScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 10)
    assert target["ResourceId"] == {"Fn::Sub": "service/${Cluster}/${Service.Name}"}
    policy = props(prod, "ServiceCpuScalingPolicy")["TargetTrackingScalingPolicyConfiguration"]
    assert (
        policy["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "ECSServiceAverageCPUUtilization"
    )
    assert policy["TargetValue"] == 60.0


def test_the_cluster_has_container_insights(dev: Template) -> None:
    assert props(dev, "Cluster")["ClusterSettings"] == [
        {"Name": "containerInsights", "Value": "enabled"}
    ]


def test_the_task_size_and_architecture_come_from_the_environment() -> None:
    template = synth(
        {"environments": {"dev": {"cpu": 512, "memory": 2048, "architecture": "ARM64"}}}
    )
    task = props(template, "TaskDefinition")
    assert (task["Cpu"], task["Memory"]) == ("512", "2048")
    assert task["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
    assert task["RequiresCompatibilities"] == ["FARGATE"] and task["NetworkMode"] == "awsvpc"


def test_the_container_logs_to_a_log_group_with_retention(dev: Template) -> None:
    [container] = props(dev, "TaskDefinition")["ContainerDefinitions"]
    options = container["LogConfiguration"]["Options"]
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    assert options["awslogs-group"] == {"Ref": "AppLogGroup"}
    assert props(dev, "AppLogGroup")["RetentionInDays"] == 14


def test_the_container_is_told_its_table(dev: Template) -> None:
    [container] = props(dev, "TaskDefinition")["ContainerDefinitions"]
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert env["TABLE_NAME"] == {"Ref": "Table"}


def test_the_task_role_may_use_this_table_and_nothing_else(dev: Template) -> None:
    # The application's own policy (ECS Exec's is blueprint/test_shell.py's).
    [policy] = [p for p in props(dev, "TaskRole")["Policies"] if p["PolicyName"] == "application"]
    statements = policy["PolicyDocument"]["Statement"]
    resources = set().union(*(refs(s["Resource"]) for s in statements))
    assert resources == {"Table", "EncryptionKey"}
    actions = [a for s in statements for a in s["Action"]]
    assert "dynamodb:*" not in actions and "dynamodb:DeleteTable" not in actions
    assert all(r != "*" for s in statements for r in s["Resource"])


def test_only_tasks_of_this_account_may_assume_the_task_roles(dev: Template) -> None:
    for role in ("TaskRole", "TaskExecutionRole"):
        [trust] = props(dev, role)["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
