"""Load balancer: the front door, its security groups and the one way from it to the tasks."""

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
    assert template["Resources"]["Service"]["DependsOn"][0] == "HttpsListener"
    assert template["Outputs"]["ServiceUrl"]["Value"]["Fn::Join"][1][0] == "https://"


def test_prod_protects_the_load_balancer_from_deletion(prod: Template, dev: Template) -> None:
    def protection(t: Template) -> str:
        attrs = props(t, "LoadBalancer")["LoadBalancerAttributes"]
        return next(a["Value"] for a in attrs if a["Key"] == "deletion_protection.enabled")

    assert protection(prod) == "true" and protection(dev) == "false"
