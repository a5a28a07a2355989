"""Service: Fargate tasks in private subnets behind an ALB; least privilege; safe deploys."""

from __future__ import annotations

from typing import Any

from conftest import Template, of_type, props, refs, synth

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"


def ingress_rules(template: Template) -> list[tuple[str, dict[str, Any]]]:
    """Every ingress rule, inline or separate, as (security group, rule)."""
    rules = []
    for logical_id, group in of_type(template, "AWS::EC2::SecurityGroup").items():
        rules += [(logical_id, r) for r in group["Properties"].get("SecurityGroupIngress", [])]
    for rule in of_type(template, "AWS::EC2::SecurityGroupIngress").values():
        rules.append((rule["Properties"]["GroupId"]["Ref"], rule["Properties"]))
    return rules


def test_the_service_runs_in_the_private_subnets_without_public_ip(dev: Template) -> None:
    network = props(dev, "Service")["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert refs(network["Subnets"]) == {"PrivateSubnet1", "PrivateSubnet2"}
    assert refs(network["SecurityGroups"]) == {"TaskSecurityGroup"}


def test_a_failed_deployment_rolls_back_by_itself(dev: Template) -> None:
    deployment = props(dev, "Service")["DeploymentConfiguration"]
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert deployment["MinimumHealthyPercent"] == 100


def test_the_service_waits_for_the_listener_that_forwards_to_its_target_group(
    dev: Template,
) -> None:
    assert dev["Resources"]["Service"]["DependsOn"] == ["HttpListener"]
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
    [policy] = props(dev, "TaskRole")["Policies"]
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


def test_the_load_balancer_alone_is_open_to_the_internet_on_80_and_443(dev: Template) -> None:
    open_rules = [(g, r) for g, r in ingress_rules(dev) if r.get("CidrIp") == "0.0.0.0/0"]
    assert {g for g, _ in open_rules} == {"LoadBalancerSecurityGroup"}
    assert sorted(r["FromPort"] for _, r in open_rules) == [80, 443]
    assert all(r["FromPort"] == r["ToPort"] for _, r in open_rules)


def test_tasks_accept_traffic_only_from_the_load_balancer_on_the_app_port(dev: Template) -> None:
    task_rules = [r for g, r in ingress_rules(dev) if g == "TaskSecurityGroup"]
    assert task_rules == [
        {
            "Description": "Application port from the load balancer",
            "FromPort": 80,
            "GroupId": {"Ref": "TaskSecurityGroup"},
            "IpProtocol": "tcp",
            "SourceSecurityGroupId": {"Ref": "LoadBalancerSecurityGroup"},
            "ToPort": 80,
        }
    ]


def test_the_load_balancer_may_only_reach_the_tasks(dev: Template) -> None:
    # A group without inline egress keeps EC2's allow-all rule beside the separate ones
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html):
    # its one inline rule must match nothing, like the data stores' placeholder.
    [inline] = props(dev, "LoadBalancerSecurityGroup")["SecurityGroupEgress"]
    assert (inline["IpProtocol"], inline["CidrIp"]) == ("icmp", "255.255.255.255/32")
    egress = of_type(dev, "AWS::EC2::SecurityGroupEgress")
    lb_egress = [
        e["Properties"]
        for e in egress.values()
        if e["Properties"]["GroupId"] == {"Ref": "LoadBalancerSecurityGroup"}
    ]
    assert [e["DestinationSecurityGroupId"] for e in lb_egress] == [{"Ref": "TaskSecurityGroup"}]


def test_the_load_balancer_is_public_drops_invalid_headers_and_logs_access(dev: Template) -> None:
    alb = props(dev, "LoadBalancer")
    assert alb["Scheme"] == "internet-facing"
    assert refs(alb["Subnets"]) == {"PublicSubnet1", "PublicSubnet2"}
    attributes = {a["Key"]: a["Value"] for a in alb["LoadBalancerAttributes"]}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == {"Ref": "AccessLogBucket"}
    assert dev["Resources"]["LoadBalancer"]["DependsOn"][0] == "AccessLogBucketPolicy"


def test_the_load_balancer_waits_for_the_internet_gateway_to_be_attached(dev: Template) -> None:
    """Nothing it references leads to the attachment, so only DependsOn orders them; without
    it, AWS may refuse the load balancer: "VPC ... has no internet gateway"."""
    assert "VPCGatewayAttachment" in dev["Resources"]["LoadBalancer"]["DependsOn"]


def test_the_access_log_bucket_is_private_encrypted_versioned_and_kept(dev: Template) -> None:
    bucket = dev["Resources"]["AccessLogBucket"]
    p = bucket["Properties"]
    assert all(p["PublicAccessBlockConfiguration"].values())
    rule = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    # ALB access logs can only be written to SSE-S3 buckets.
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain"


def test_the_access_log_bucket_admits_the_regions_elb_account_and_tls_only(dev: Template) -> None:
    statements = props(dev, "AccessLogBucketPolicy")["PolicyDocument"]["Statement"]
    allow, _server_access_logs, deny = statements
    assert allow["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert allow["Action"] == ["s3:PutObject"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_newer_regions_admit_the_log_delivery_service_instead() -> None:
    template = synth({"region": "eu-central-2"})
    allow = props(template, "AccessLogBucketPolicy")["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


def test_the_target_group_checks_health_on_the_configured_path() -> None:
    template = synth({"port": 8080, "health_check_path": "/healthz"})
    group = props(template, "TargetGroup")
    assert group["TargetType"] == "ip" and group["Port"] == 8080
    assert group["HealthCheckPath"] == "/healthz"


def test_without_a_certificate_http_forwards_to_the_service(dev: Template) -> None:
    assert list(of_type(dev, "AWS::ElasticLoadBalancingV2::Listener")) == ["HttpListener"]
    [action] = props(dev, "HttpListener")["DefaultActions"]
    assert action["Type"] == "forward"
    assert dev["Outputs"]["ServiceUrl"]["Value"]["Fn::Join"][1][0] == "http://"


def test_with_a_certificate_http_redirects_to_https_with_modern_tls() -> None:
    template = synth({"environments": {"prod": {"certificate_arn": CERT}}}, env="prod")
    [redirect] = props(template, "HttpListener")["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"] == {
        "Protocol": "HTTPS",
        "Port": "443",
        "StatusCode": "HTTP_301",
    }
    https = props(template, "HttpsListener")
    assert https["Certificates"] == [{"CertificateArn": CERT}]
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert template["Resources"]["Service"]["DependsOn"] == ["HttpsListener"]
    assert template["Outputs"]["ServiceUrl"]["Value"]["Fn::Join"][1][0] == "https://"


def test_prod_protects_the_load_balancer_from_deletion(prod: Template, dev: Template) -> None:
    def protection(t: Template) -> str:
        attrs = props(t, "LoadBalancer")["LoadBalancerAttributes"]
        return next(a["Value"] for a in attrs if a["Key"] == "deletion_protection.enabled")

    assert protection(prod) == "true" and protection(dev) == "false"
