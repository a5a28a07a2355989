"""Service scaling on moto's Application Auto Scaling backend: AWS::ApplicationAutoScaling::
ScalableTarget (moto checks that the ECS service exists) and ScalingPolicy."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, Place, Props, model


@model("AWS::ApplicationAutoScaling::ScalableTarget")
class ScalableTarget(BackendModel, CloudFormationModel, BaseModel):
    """A scalable target; Ref is `resource id|dimension|namespace`, as in CloudFormation."""

    def __init__(self, namespace: str, resource_id: str, dimension: str) -> None:
        super().__init__(f"{resource_id}|{dimension}|{namespace}")
        self.namespace = namespace
        self.resource_id = resource_id
        self.dimension = dimension

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> ScalableTarget:
        target = cls(p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"])
        return target.update(p, at)

    def update(self, p: Props, at: Place) -> ScalableTarget:
        """RegisterScalableTarget (again, on an update: new bounds apply to the same
        target)."""
        at.backend(applicationautoscaling_backends).register_scalable_target(
            namespace=self.namespace,
            r_id=self.resource_id,
            dimension=self.dimension,
            min_capacity=int(p["MinCapacity"]),
            max_capacity=int(p["MaxCapacity"]),
            role_arn=p.get("RoleARN"),
            suspended_state=p.get("SuspendedState"),
        )
        return self

    def remove(self, at: Place) -> None:
        backend = at.backend(applicationautoscaling_backends)
        if self.resource_id in backend.targets.get(self.dimension, {}):
            backend.deregister_scalable_target(self.namespace, self.resource_id, self.dimension)


def _put_policy(at: Place, names: tuple[str, str, str, str], p: Props) -> Any:
    """PutScalingPolicy for the policy `names` (its name, namespace, resource id and
    dimension) with properties `p`: the policy as the backend holds it."""
    name, namespace, resource_id, dimension = names
    policy_type = p.get("PolicyType", "StepScaling")
    body_key = (
        "TargetTrackingScalingPolicyConfiguration"
        if policy_type == "TargetTrackingScaling"
        else "StepScalingPolicyConfiguration"
    )
    return at.backend(applicationautoscaling_backends).put_scaling_policy(
        policy_name=name,
        service_namespace=namespace,
        resource_id=resource_id,
        scalable_dimension=dimension,
        policy_body=p.get(body_key, {}),
        policy_type=policy_type,
    )


@model("AWS::ApplicationAutoScaling::ScalingPolicy")
class ScalingPolicy(BackendModel, CloudFormationModel, BaseModel):
    """A scaling policy; Ref is its ARN."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}

    def __init__(self, policy: Any) -> None:
        super().__init__(str(policy.policy_arn), str(policy.policy_arn))
        self.names = (
            str(policy.policy_name),
            str(policy.service_namespace),
            str(policy.resource_id),
            str(policy.scalable_dimension),
        )

    @classmethod
    def create(cls, name: str, p: Props, at: Place) -> ScalingPolicy:
        if p.get("ScalingTargetId"):
            resource_id, dimension, namespace = p["ScalingTargetId"].split("|")
        else:
            resource_id = p["ResourceId"]
            dimension = p["ScalableDimension"]
            namespace = p["ServiceNamespace"]
        return cls(_put_policy(at, (name, namespace, resource_id, dimension), p))

    def update(self, p: Props, at: Place) -> ScalingPolicy:
        """PutScalingPolicy again under the same name: the policy gets its new target."""
        policy = _put_policy(at, self.names, p)
        policy.policy_arn = self.physical_id  # an update keeps the policy's ARN
        return self

    def remove(self, at: Place) -> None:
        try:
            at.backend(applicationautoscaling_backends).delete_scaling_policy(*self.names)
        except Exception as exc:  # gone already: nothing to delete
            if "No scaling policy found" not in str(exc):
                raise
