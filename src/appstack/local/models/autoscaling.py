"""Service scaling on moto's Application Auto Scaling backend: AWS::ApplicationAutoScaling::
ScalableTarget (moto checks that the ECS service exists) and ScalingPolicy."""

from __future__ import annotations

from typing import Any, ClassVar

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.core.common_models import BaseModel, CloudFormationModel

from appstack.local.models._base import BackendModel, properties


def _backend(account_id: str, region_name: str) -> Any:
    return applicationautoscaling_backends[account_id][region_name]


class ScalableTarget(BackendModel, CloudFormationModel, BaseModel):
    """A scalable target; Ref is `resource id|dimension|namespace`, as in CloudFormation."""

    def __init__(self, namespace: str, resource_id: str, dimension: str) -> None:
        self.namespace = namespace
        self.resource_id = resource_id
        self.dimension = dimension
        self.physical_id = f"{resource_id}|{dimension}|{namespace}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalableTarget"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalableTarget:
        p = properties(cloudformation_json)
        target = cls(p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"])
        _backend(account_id, region_name).register_scalable_target(
            namespace=target.namespace,
            r_id=target.resource_id,
            dimension=target.dimension,
            min_capacity=int(p["MinCapacity"]),
            max_capacity=int(p["MaxCapacity"]),
            role_arn=p.get("RoleARN"),
            suspended_state=p.get("SuspendedState"),
        )
        return target

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ScalableTarget,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> ScalableTarget:
        """RegisterScalableTarget again: new bounds apply to the same target."""
        p = properties(cloudformation_json)
        _backend(account_id, region_name).register_scalable_target(
            namespace=original_resource.namespace,
            r_id=original_resource.resource_id,
            dimension=original_resource.dimension,
            min_capacity=int(p["MinCapacity"]),
            max_capacity=int(p["MaxCapacity"]),
            role_arn=p.get("RoleARN"),
            suspended_state=p.get("SuspendedState"),
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        if self.resource_id in backend.targets.get(self.dimension, {}):
            backend.deregister_scalable_target(self.namespace, self.resource_id, self.dimension)


class ScalingPolicy(BackendModel, CloudFormationModel, BaseModel):
    """A scaling policy; Ref is its ARN."""

    attributes: ClassVar[dict[str, str]] = {"Arn": "physical_id"}

    def __init__(self, policy: Any) -> None:
        self.physical_id = str(policy.policy_arn)
        self.name = str(policy.policy_name)
        self.namespace = str(policy.service_namespace)
        self.resource_id = str(policy.resource_id)
        self.dimension = str(policy.scalable_dimension)

    @staticmethod
    def cloudformation_name_type() -> str:
        return "PolicyName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApplicationAutoScaling::ScalingPolicy"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalingPolicy:
        p = properties(cloudformation_json)
        if p.get("ScalingTargetId"):
            resource_id, dimension, namespace = p["ScalingTargetId"].split("|")
        else:
            resource_id = p["ResourceId"]
            dimension = p["ScalableDimension"]
            namespace = p["ServiceNamespace"]
        policy_type = p.get("PolicyType", "StepScaling")
        body_key = (
            "TargetTrackingScalingPolicyConfiguration"
            if policy_type == "TargetTrackingScaling"
            else "StepScalingPolicyConfiguration"
        )
        policy = _backend(account_id, region_name).put_scaling_policy(
            policy_name=resource_name,
            service_namespace=namespace,
            resource_id=resource_id,
            scalable_dimension=dimension,
            policy_body=p.get(body_key, {}),
            policy_type=policy_type,
        )
        return cls(policy)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ScalingPolicy,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> ScalingPolicy:
        """PutScalingPolicy again under the same name: the policy gets its new target."""
        p = properties(cloudformation_json)
        policy_type = p.get("PolicyType", "StepScaling")
        body_key = (
            "TargetTrackingScalingPolicyConfiguration"
            if policy_type == "TargetTrackingScaling"
            else "StepScalingPolicyConfiguration"
        )
        policy = _backend(account_id, region_name).put_scaling_policy(
            policy_name=original_resource.name,
            service_namespace=original_resource.namespace,
            resource_id=original_resource.resource_id,
            scalable_dimension=original_resource.dimension,
            policy_body=p.get(body_key, {}),
            policy_type=policy_type,
        )
        policy.policy_arn = original_resource.physical_id  # an update keeps the policy's ARN
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(account_id, region_name)
        try:
            backend.delete_scaling_policy(
                self.name, self.namespace, self.resource_id, self.dimension
            )
        except Exception as exc:  # gone already: nothing to delete
            if "No scaling policy found" not in str(exc):
                raise
