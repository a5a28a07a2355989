"""EM462: a self-managed stack instance needs the execution role in its account, and failures
past the operation's tolerance stop the operation.

Self-managed permissions: each target account holds `AWSCloudFormationStackSetExecutionRole`
(trusting the administration account's `AWSCloudFormationStackSetAdministrationRole`); an
account without it fails its instance, with the reason in the instance's StatusReason
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html).
FailureToleranceCount (or Percentage) is "the number of accounts, per Region, for which this
operation can fail before CloudFormation stops the operation in that Region"; once stopped,
no later Region is attempted and the operation is FAILED
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html).
moto 5.2.5 deploys every instance, succeeds every operation and reports every instance
CURRENT/SUCCEEDED. Here a missing role fails the instance (no stack is made), instances past
the tolerance are CANCELLED, and the operation and its per-instance results say so.
"""

from __future__ import annotations

import math
from typing import Any

from appstack.local.fidelity import Method, replacements, replaces, rule

ROLE = "AWSCloudFormationStackSetExecutionRole"


def _has_role(account: str, name: str) -> bool:
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends

    try:
        iam_backends[account]["global"].get_role(name)
    except NotFoundException:
        return False
    return True


def _tolerance(preferences: dict[str, Any], accounts: int) -> int:
    if preferences.get("FailureToleranceCount") is not None:
        return int(preferences["FailureToleranceCount"])
    percentage = float(preferences.get("FailureTolerancePercentage") or 0)
    return math.floor(accounts * percentage / 100)


def not_deployed(instance: Any, account: str, region: str, state: str, reason: str) -> None:
    instance.account_id, instance.region_name = account, region
    instance.permission_model = "SELF_MANAGED"
    instance.parameters, instance.stack = [], None
    instance.state, instance.reason = state, reason


@replaces("moto.cloudformation.models:StackInstance.__init__")
def checked_init(
    init: Method, self: Any, account_id: str, region_name: str, *args: Any, **kw: Any
) -> None:
    self.state, self.reason = "SUCCEEDED", ""
    if kw.get("permission_model") == "SELF_MANAGED" and not _has_role(account_id, ROLE):
        for key in ("stackset_id", "stack_name", "name", "template"):
            setattr(self, key, kw.get(key))
        not_deployed(
            self,
            account_id,
            region_name,
            "FAILED",
            f"Account {account_id} should have '{ROLE}' role with trust relationship to "
            "Role 'AWSCloudFormationStackSetAdministrationRole'.",
        )
        return
    init(self, account_id, region_name, *args, **kw)


@replaces("moto.cloudformation.models:StackInstance.to_dict")
def reported(to_dict: Method, self: Any) -> dict[str, Any]:
    answer: dict[str, Any] = to_dict(self)
    state = getattr(self, "state", "SUCCEEDED")
    if state != "SUCCEEDED":
        answer["Status"] = "OUTDATED"
        answer["StackInstanceStatus"] = {"DetailedStatus": state}
        answer["StatusReason"] = self.reason
    if getattr(self, "drift", None):
        answer["DriftStatus"] = self.drift
    return answer


@replaces("moto.cloudformation.models:StackInstance.delete")
def deleted(delete: Method, self: Any) -> None:
    if getattr(self, "stack", None) is not None:
        delete(self)


@replaces("moto.cloudformation.models:StackInstances.create_instances")
def within_tolerance(
    create_instances: Method,
    self: Any,
    accounts: list[str],
    regions: list[str],
    *a: Any,
    **kw: Any,
) -> Any:
    from moto.cloudformation.models import StackInstance

    if kw.get("permission_model") != "SELF_MANAGED" or not accounts:
        return create_instances(self, accounts, regions, *a, **kw)
    preferences = getattr(self, "preferences", {})
    allowed = _tolerance(preferences, len(accounts))
    created, stopped = [], False
    for region in regions:
        failures = 0
        for account in accounts:
            if self.get_instance(account, region) is not None:
                continue
            if stopped:
                instance: Any = object.__new__(StackInstance)
                not_deployed(
                    instance,
                    account,
                    region,
                    "CANCELLED",
                    "Cancelled since failure tolerance has exceeded",
                )
                instance.stackset_id, instance.stack_name = self.stackset_id, self.stack_name
                instance.name, instance.template = self.stackset_name, self.template
            else:
                create_instances(self, [account], [region], *a, **kw)
                instance = self.get_instance(account, region)
                self.stack_instances.remove(instance)
                failures += instance.state == "FAILED"
                # One at a time (MaxConcurrentCount 1): past the tolerance, the Region
                # stops here and no later Region starts.
                stopped = failures > allowed
            created.append(instance)
    self.stack_instances += created
    self.stopped, self.last_created = stopped, created
    return [i.to_dict() for i in created]


@replaces("moto.cloudformation.models:StackSet.create_stack_instances")
def operation_outcome(create_stack_instances: Method, self: Any, *args: Any, **kwargs: Any) -> str:
    self.instances.stopped, self.instances.last_created = False, self.stack_instances
    operation_id: str = create_stack_instances(self, *args, **kwargs)
    operation = self.get_operation(operation_id)
    operation["Results"] = [
        {
            "Account": i.account_id,
            "Region": i.region_name,
            "Status": i.state,
            "StatusReason": i.reason,
        }
        for i in getattr(self.instances, "last_created", self.stack_instances)
    ]
    if self.instances.stopped:
        operation["Status"] = "FAILED"
    return operation_id


@replaces("moto.cloudformation.responses:CloudFormationResponse.create_stack_instances")
def with_preferences(respond: Method, self: Any) -> Any:
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    stack_set.instances.preferences = self._get_param("OperationPreferences") or {}
    return respond(self)


@replaces("moto.cloudformation.responses:CloudFormationResponse.list_stack_set_operation_results")
def per_instance(results: Method, self: Any) -> Any:
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    operation = stack_set.get_operation(self._get_param("OperationId"))
    if "Results" not in operation:
        return results(self)
    from moto.core.responses import ActionResult

    return ActionResult({"Summaries": [dict(r) for r in operation["Results"]]})


rule(
    "EM462",
    "A self-managed stack instance needs the execution role; failures past tolerance stop it",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html",
)(replacements(__name__))
