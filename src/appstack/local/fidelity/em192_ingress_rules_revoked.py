"""EM192: deleting an AWS::EC2::SecurityGroupIngress revokes its rule.

When CloudFormation deletes the resource (a stack deletion, an update that removes it, or
the old copy a replacement leaves), EC2 no longer has the rule. moto 5.2.5's model has no
delete: the rule stays in the group, and adding it back later (a port changed back, a phase
that removes and re-adds the rule) fails with InvalidPermission.Duplicate, which AWS never
answers there.
"""

from __future__ import annotations

import contextlib
from typing import Any

from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-resource-ec2-securitygroupingress.html"
)


@rule("EM192", "Deleting an AWS::EC2::SecurityGroupIngress revokes its rule", SOURCE)
def install() -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroupIngress

    def delete(self: Any, account_id: str, region_name: str) -> None:
        p = self.properties
        source: dict[str, str] = {}
        if p.get("SourceSecurityGroupId"):
            source["GroupId"] = p["SourceSecurityGroupId"]
        if p.get("SourceSecurityGroupName"):
            source["GroupName"] = p["SourceSecurityGroupName"]
        ranges = (
            [{"CidrIp": p["CidrIp"], "Description": p.get("Description")}]
            if p.get("CidrIp")
            else []
        )
        # Gone already (its group deleted first): nothing to revoke.
        with contextlib.suppress(EC2ClientError, KeyError, IndexError):
            ec2_backends[account_id][region_name].revoke_security_group_ingress(
                group_name_or_id=self.security_group.id,
                ip_protocol=p.get("IpProtocol"),
                from_port=p.get("FromPort"),
                to_port=p.get("ToPort"),
                ip_ranges=ranges,
                source_groups=[source] if source else [],
            )

    setattr(SecurityGroupIngress, "delete", delete)  # noqa: B010
