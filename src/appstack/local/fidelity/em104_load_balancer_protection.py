"""EM104: a load balancer keeps its attributes, and deletion protection refuses its delete.

CloudFormation applies `LoadBalancerAttributes` on create and update (moto 5.2.5 drops
them), and Elastic Load Balancing refuses DeleteLoadBalancer while the attribute
`deletion_protection.enabled` is true, with OperationNotPermitted ("You can't delete a load
balancer if deletion protection is enabled"). So a stack deletion ends DELETE_FAILED with
the load balancer kept, and an update that removes it leaves it behind (EM100).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
    "API_DeleteLoadBalancer.html"
)
PROTECTION = "deletion_protection.enabled"


def _attributes(cloudformation_json: Any) -> dict[str, str]:
    listed = (cloudformation_json.get("Properties") or {}).get("LoadBalancerAttributes") or []
    return {
        str(a["Key"]): str(a["Value"]).lower() if isinstance(a["Value"], bool) else str(a["Value"])
        for a in listed
    }


@rule("EM104", "A deletion-protected load balancer refuses its delete", SOURCE)
def install() -> None:
    from moto.elbv2.exceptions import ELBClientError
    from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, elbv2_backends

    original_create = FakeLoadBalancer.__dict__["create_from_cloudformation_json"].__func__

    def create(
        cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region: str,
        /, **kwargs: Any,
    ) -> Any:  # fmt: skip
        balancer = original_create(cls, resource_name, cloudformation_json, account_id, region)
        attributes = _attributes(cloudformation_json)
        if attributes:
            elbv2_backends[account_id][region].modify_load_balancer_attributes(
                balancer.arn, attributes
            )
        return balancer

    def update(
        cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
        account_id: str, region_name: str,
    ) -> Any:  # fmt: skip
        """The attributes change in place (Name, Type and Scheme replace: EM102)."""
        backend = elbv2_backends[account_id][region_name]
        defaults = {PROTECTION: "false"}
        backend.modify_load_balancer_attributes(
            original_resource.arn, {**defaults, **_attributes(cloudformation_json)}
        )
        return original_resource

    original_delete = ELBv2Backend.delete_load_balancer

    def delete_load_balancer(self: Any, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        if balancer is not None and str(balancer.attrs.get(PROTECTION)).lower() == "true":
            raise ELBClientError(
                "OperationNotPermitted",
                f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled",
            )
        original_delete(self, arn)

    setattr(FakeLoadBalancer, "create_from_cloudformation_json", classmethod(create))  # noqa: B010
    setattr(FakeLoadBalancer, "update_from_cloudformation_json", classmethod(update))  # noqa: B010
    setattr(ELBv2Backend, "delete_load_balancer", delete_load_balancer)  # noqa: B010
