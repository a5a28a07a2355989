"""EM468: DeleteStackInstances of a service-managed StackSet takes its OUs, and RetainStacks.

"DeploymentTargets: [Service-managed permissions] The AWS Organizations accounts from which to
delete stack instances. You can specify Accounts or DeploymentTargets, but not both";
"RetainStacks: Removes the stack instances from the specified StackSet, but doesn't delete
the stacks"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStackInstances.html);
"for create and delete operations, specify OrganizationalUnitIds"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
moto 5.2.5 reads Accounts only: given OUs, it deletes nothing and answers SUCCEEDED, so the
StackSet can never be emptied and deleted; it ignores RetainStacks. Here the OUs name the
instances to delete (those deployed through them, and those of the accounts now in them),
Accounts on a service-managed StackSet is refused, RetainStacks keeps the stacks, and the
operation's results list each instance deleted (a self-managed StackSet's deletion is left as
moto has it).
"""

from __future__ import annotations

import uuid
from typing import Any

from appstack.local.fidelity import Method, rule, stands_in_for
from appstack.local.fidelity.em465_trusted_access import check_service_managed, organization_of
from appstack.local.fidelity.em466_organizational_units import member_accounts


def _targeted(stack_set: Any, units: list[str], regions: list[str]) -> list[Any]:
    organization = organization_of(stack_set.instances.account_id)
    now_in = {a for u in units for a in (member_accounts(organization, u) if organization else [])}
    return [
        i
        for i in stack_set.stack_instances
        if i.region_name in regions
        and (getattr(i, "organizational_unit_id", None) in units or i.account_id in now_in)
    ]


@rule(
    "EM468",
    "DeleteStackInstances of a service-managed StackSet takes its OUs; RetainStacks keeps stacks",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStackInstances.html",
)
@stands_in_for("moto.cloudformation.responses:CloudFormationResponse.delete_stack_instances")
def _delete_stack_instances(respond: Method, self: Any) -> Any:
    from moto.cloudformation.exceptions import ValidationError
    from moto.core.responses import ActionResult

    backend = self.cloudformation_backend
    stack_set = backend.describe_stack_set(self._get_param("StackSetName"))
    if stack_set.permission_model != "SERVICE_MANAGED":
        return respond(self)
    retain = str(self._get_param("RetainStacks")).lower() == "true"
    check_service_managed(backend.account_id)
    units = (self._get_param("DeploymentTargets") or {}).get("OrganizationalUnitIds") or []
    if self._get_param("Accounts") or not units:
        raise ValidationError(
            message="StackSets with SERVICE_MANAGED permission model can only have "
            "OrganizationalUnit as target: DeploymentTargets.OrganizationalUnitIds"
        )
    regions = self._get_param("Regions") or []
    gone = _targeted(stack_set, units, regions)
    targeted: set[tuple[str, str]] = getattr(stack_set.instances, "targets", set())
    stack_set.instances.targets = targeted - {(u, r) for u in units for r in regions}
    for instance in gone:
        instance.retained = retain
        instance.delete()
        stack_set.stack_instances.remove(instance)
    operation = stack_set._create_operation(str(uuid.uuid4()), "DELETE", "SUCCEEDED")
    operation["Results"] = [
        {"Account": i.account_id, "Region": i.region_name, "Status": "SUCCEEDED"} for i in gone
    ]
    return ActionResult({"OperationId": operation["OperationId"]})
