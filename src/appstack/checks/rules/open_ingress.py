"""AS004: the internet (0.0.0.0/0, ::/0) reaches only the load balancer, on 80 and 443."""

from __future__ import annotations

from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule, rule
from appstack.template import Template, as_list, ref_target, resources

_ANYWHERE = ("0.0.0.0/0", "::/0")
_WEB_PORTS = {80, 443}


@rule(
    "AS004",
    "0.0.0.0/0 ingress only on the load balancer's ports 80 and 443",
    "admit traffic from a security group (SourceSecurityGroupId) or a known CIDR instead",
)
class OpenIngressOnlyOnLoadBalancerWebPorts(Rule):
    def check(self, template: Template) -> list[Finding]:
        lb_groups = {
            ref_target(g)
            for _, lb in resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").items()
            for g in as_list(lb.get("Properties", {}).get("SecurityGroups", []))
        }
        found = []
        for group, ingress, where in _ingress_rules(template):
            if ingress.get("CidrIp") not in _ANYWHERE and ingress.get("CidrIpv6") not in _ANYWHERE:
                continue
            ports = (ingress.get("FromPort"), ingress.get("ToPort"))
            tcp = ingress.get("IpProtocol") == "tcp"
            web = tcp and ports[0] == ports[1] and ports[0] in _WEB_PORTS
            if not (web and group in lb_groups):
                found.append(
                    self.finding(
                        where,
                        f"opens {ingress.get('IpProtocol')} {ports[0]}-{ports[1]} to the internet",
                    )
                )
        return found


def _ingress_rules(template: Template) -> list[tuple[str | None, dict[str, Any], str]]:
    rules: list[tuple[str | None, dict[str, Any], str]] = []
    for logical_id, group in resources(template, "AWS::EC2::SecurityGroup").items():
        for ingress in group.get("Properties", {}).get("SecurityGroupIngress", []):
            rules.append((logical_id, ingress, logical_id))
    for logical_id, resource in resources(template, "AWS::EC2::SecurityGroupIngress").items():
        properties = resource.get("Properties", {})
        rules.append((ref_target(properties.get("GroupId")), properties, logical_id))
    return rules
