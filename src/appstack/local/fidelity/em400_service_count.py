"""How many tasks an ECS service runs when the template leaves the count to autoscaling.

appstack omits `DesiredCount` from AWS::ECS::Service so that a stack update never resets
the count that Application Auto Scaling set. moto then creates the service with 0 tasks
(AWS creates it with 1) and never moves a service's count into a newly registered scalable
target's range (AWS does).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

ECS_DESIRED_COUNT = "ecs:service:DesiredCount"


@rule(
    "EM400",
    "A new ECS service without DesiredCount runs one task",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html",
)
def new_service_defaults_to_one_task() -> None:
    """AWS::ECS::Service DesiredCount: "For new services, if a desired count is not
    specified, a default value of 1 is used. [...] For existing services, if a desired count
    is not specified, it is omitted from the operation." (moto already omits it on update.)"""
    from moto.ecs.models import Service

    original = Service.__dict__["create_from_cloudformation_json"].__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *a: Any, **kw: Any) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        if "DesiredCount" not in properties and properties.get("SchedulingStrategy") != "DAEMON":
            cloudformation_json = {**cloudformation_json, "Properties": {**properties}}
            cloudformation_json["Properties"]["DesiredCount"] = 1
        return original(cls, resource_name, cloudformation_json, *a, **kw)

    setattr(Service, "create_from_cloudformation_json", classmethod(create))  # noqa: B010


@rule(
    "EM401",
    "Registering a scalable target moves the ECS service's count into its range",
    "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
)
def scalable_target_bounds_the_service_count() -> None:
    """RegisterScalableTarget: "If the specified resource is not active in the target
    service, this operation does not change the resource's current capacity. Otherwise, it
    changes the resource's current capacity to a value that is inside of this range."""
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    original = ApplicationAutoscalingBackend.register_scalable_target

    def register_scalable_target(
        self: Any, namespace: str, r_id: str, dimension: str, *a: Any, **kw: Any
    ) -> Any:
        target = original(self, namespace, r_id, dimension, *a, **kw)
        if namespace == "ecs" and dimension == ECS_DESIRED_COUNT:
            _, cluster, name = r_id.split("/")
            [service], _ = self.ecs_backend.describe_services(cluster, [name])
            low, high = target.min_capacity, target.max_capacity
            count = min(max(service.desired_count, low), high)
            if count != service.desired_count:
                service.desired_count = count
                service.running_count = count
        return target

    setattr(ApplicationAutoscalingBackend, "register_scalable_target", register_scalable_target)  # noqa: B010
