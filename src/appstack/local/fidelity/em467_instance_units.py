"""EM467: each stack instance of a service-managed StackSet reports the OU it was deployed
through, and its stack; the StackSet reports its OUs.

StackInstanceSummary (ListStackInstances) and StackInstance (DescribeStackInstance) carry
OrganizationalUnitId, "[Service-managed permissions] The organization root ID or
organizational unit (OU) IDs that you specified for DeploymentTargets", and StackId, "the
ID of the stack instance"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html);
DescribeStackSet answers the StackSet's OrganizationalUnitIds and AutoDeployment
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSet.html).
moto 5.2.5 answers none of them, and a StackId made up from the StackSet's id that no stack
has. Here each instance answers the OU it came through and its stack's real id, and the
StackSet the OUs it targets and the AutoDeployment it was created with (EM465).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, replacements, replaces, rule


@replaces("moto.cloudformation.models:StackInstance.to_dict")
def _reported(to_dict: Method, self: Any) -> dict[str, Any]:
    answer: dict[str, Any] = to_dict(self)
    unit = getattr(self, "organizational_unit_id", None)
    if unit:
        answer["OrganizationalUnitId"] = unit
    stack = getattr(self, "stack", None)
    if stack is not None and self.permission_model == "SERVICE_MANAGED":
        answer["StackId"] = stack.stack_id
    return answer


@replaces("moto.cloudformation.responses:CloudFormationResponse.describe_stack_set")
def _describe_stack_set(respond: Method, self: Any) -> Any:
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    if stack_set.permission_model == "SERVICE_MANAGED":
        targeted: set[tuple[str, str]] = getattr(stack_set.instances, "targets", set())
        stack_set.organizational_unit_ids = sorted({unit for unit, _ in targeted})
    return respond(self)


rule(
    "EM467",
    "Service-managed instances report their OrganizationalUnitId and stack; the StackSet its OUs",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html",
)(replacements(__name__))
