"""Service scaling on moto's Application Auto Scaling backend: AWS::ApplicationAutoScaling::
ScalableTarget (moto checks that the ECS service exists) and ScalingPolicy."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel


def _backend(account_id: str, region_name: str) -> Any:
    return applicationautoscaling_backends[account_id][region_name]


class ScalableTarget(BackendModel, CloudFormationModel, BaseModel):
    """A scalable target; Ref is `resource id|dimension|namespace`, as in CloudFormation."""

    def __init__(self, namespace: str, resource_id: str, dimension: str) -> None:
        self.namespace = namespace
        self.resource_id = resource_id
        self.dimension = dimension
        self.physical_id = f"{resource_id}|{dimension}|{namespace}"

    type_name = "AWS::ApplicationAutoScaling::ScalableTarget"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> ScalableTarget:
        target = cls(p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"])
        return target.update(p, account_id, region_name)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> ScalableTarget:
        """RegisterScalableTarget (again, on an update: new bounds apply to the same
        target)."""
        _backend(account_id, region_name).register_scalable_target(
            namespace=self.namespace,
            r_id=self.resource_id,
            dimension=self.dimension,
            min_capacity=int(p["MinCapacity"]),
            max_capacity=int(p["MaxCapacity"]),
            role_arn=p.get("RoleARN"),
            suspended_state=p.get("SuspendedState"),
        )
        return self

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.resource_id in backend.targets.get(self.dimension, {}):
            backend.deregister_scalable_target(self.namespace, self.resource_id, self.dimension)


def _put_policy(
    account_id: str, region_name: str, names: tuple[str, str, str, str], p: dict[str, Any]
) -> Any:
    """PutScalingPolicy for the policy `names` (its name, namespace, resource id and
    dimension) with properties `p`: the policy as the backend holds it."""
    name, namespace, resource_id, dimension = names
    policy_type = p.get("PolicyType", "StepScaling")
    body_key = (
        "TargetTrackingScalingPolicyConfiguration"
        if policy_type == "TargetTrackingScaling"
        else "StepScalingPolicyConfiguration"
    )
    return _backend(account_id, region_name).put_scaling_policy(
        policy_name=name,
        service_namespace=namespace,
        resource_id=resource_id,
        scalable_dimension=dimension,
        policy_body=p.get(body_key, {}),
        policy_type=policy_type,
    )


class ScalingPolicy(BackendModel, CloudFormationModel, BaseModel):
    """A scaling policy; Ref is its ARN."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "physical_id"}

    def __init__(self, policy: Any) -> None:
        self.physical_id = str(policy.policy_arn)
        self.name = str(policy.policy_name)
        self.namespace = str(policy.service_namespace)
        self.resource_id = str(policy.resource_id)
        self.dimension = str(policy.scalable_dimension)

    type_name = "AWS::ApplicationAutoScaling::ScalingPolicy"
    name_property = "PolicyName"

    @classmethod
    def create(
        cls, resource_name: str, p: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> ScalingPolicy:
        if p.get("ScalingTargetId"):
            resource_id, dimension, namespace = p["ScalingTargetId"].split("|")
        else:
            resource_id = p["ResourceId"]
            dimension = p["ScalableDimension"]
            namespace = p["ServiceNamespace"]
        policy = _put_policy(
            account_id, region_name, (resource_name, namespace, resource_id, dimension), p
        )
        return cls(policy)

    def update(self, p: dict[str, Any], account_id: str, region_name: str) -> ScalingPolicy:
        """PutScalingPolicy again under the same name: the policy gets its new target."""
        policy = _put_policy(
            account_id,
            region_name,
            (self.name, self.namespace, self.resource_id, self.dimension),
            p,
        )
        policy.policy_arn = self.physical_id  # an update keeps the policy's ARN
        return self

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        try:
            backend.delete_scaling_policy(
                self.name, self.namespace, self.resource_id, self.dimension
            )
        except Exception as exc:  # gone already: nothing to delete
            if "No scaling policy found" not in str(exc):
                raise
