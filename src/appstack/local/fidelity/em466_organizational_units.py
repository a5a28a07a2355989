"""EM466: a service-managed StackSet deploys to every member account of the organizational
units it targets, child OUs included, never to the management account, as real stacks.

DeploymentTargets.OrganizationalUnitIds are "the organization root ID or organizational unit
(OU) IDs to which StackSets deploys"; "StackSets doesn't deploy stack instances to the
organization management account, even if the organization management account is in your
organization or in an OU in your organization"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
An OU's accounts include those of the OUs below it, and each instance is a stack in its
account and Region that an update of the StackSet reaches
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html).
moto 5.2.5 looks one level of child OUs deep, deploys to the management account when it is
under a targeted root or OU, and makes each instance's stack hidden: no stack in the target
account, none that an update of the StackSet reaches. Here the accounts come from moto's
Organizations backend, every level down, the management account left out; each instance is
a StackSet-<name>-<id> stack in its account and Region (EM461 names it), updated with its
StackSet and deleted with its instance.

The accounts of an OU change: with AutoDeployment Enabled, "StackSets automatically deploys
additional stack instances to AWS Organizations accounts that are added to a target
organization or organizational unit (OU) in the specified Regions. If an account is removed
from a target organization or OU, StackSets deletes stack instances from the account", its
stacks kept if RetainStacksOnAccountRemoval
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_AutoDeployment.html).
moto keeps no AutoDeployment; here an account moved into or out of a targeted OU (MoveAccount)
or removed from the organization gets or loses its instances in the StackSet's Regions.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, replacements, replaces, rule
from appstack.local.fidelity.em465_trusted_access import organization_of


def member_accounts(organization: Any, unit: str) -> list[str]:
    """The accounts of the root or OU `unit` and of every OU below it, in the order they
    joined, without the management account."""
    units, found = {unit}, True
    while found:
        below = {ou.id for ou in organization.ou if ou.parent_id in units} - units
        units |= below
        found = bool(below)
    management = organization.org.master_account_id
    return [
        a.id
        for a in organization.accounts
        if a.parent_id in units and a.id != management and a.status == "ACTIVE"
    ]


@replaces("moto.cloudformation.models:StackInstance.__init__")
def _init(
    init: Method, self: Any, account_id: str, region_name: str, *args: Any, **kw: Any
) -> None:
    if kw.get("permission_model") != "SERVICE_MANAGED":
        init(self, account_id, region_name, *args, **kw)
        return
    from moto.cloudformation.models import cloudformation_backends

    self.account_id, self.region_name = account_id, region_name
    for key in ("stackset_id", "stack_name", "name", "template", "permission_model"):
        setattr(self, key, kw.get(key))
    given = kw.get("parameters") or []
    self.parameters = given
    values = (
        given
        if isinstance(given, dict)
        else {p["ParameterKey"]: p["ParameterValue"] for p in given}
    )
    self.state, self.reason = "SUCCEEDED", ""
    self.stack = cloudformation_backends[account_id][region_name].create_stack(
        name=f"StackSet:{self.name}", template=self.template, parameters=values
    )


@replaces("moto.cloudformation.models:StackInstance.delete")
def _delete(delete: Method, self: Any) -> None:
    if self.permission_model != "SERVICE_MANAGED":
        delete(self)
        return
    from moto.cloudformation.models import cloudformation_backends

    if self.stack is not None and not getattr(self, "retained", False):
        backend = cloudformation_backends[self.account_id][self.region_name]
        backend.delete_stack(self.stack.stack_id)


@replaces("moto.cloudformation.models:StackInstances.create_instances")
def _create_instances(
    create_instances: Method,
    self: Any,
    accounts: list[str],
    regions: list[str],
    parameters: Any,
    deployment_targets: dict[str, Any],
    permission_model: str,
) -> list[dict[str, Any]]:
    if permission_model != "SERVICE_MANAGED":
        return list(
            create_instances(
                self,
                accounts,
                regions,
                parameters,
                deployment_targets,
                permission_model=permission_model,
            )
        )
    from moto.cloudformation.models import StackInstance

    organization = organization_of(self.account_id)
    units = deployment_targets.get("OrganizationalUnitIds", [])
    # What was targeted, OU and Region, for accounts that join an OU later.
    self.targets = getattr(self, "targets", set()) | {(u, r) for u in units for r in regions}
    created = []
    for region in regions:
        for unit in units:
            for account in member_accounts(organization, unit) if organization else []:
                if self.get_instance(account, region) is not None:
                    continue
                instance: Any = StackInstance(
                    account_id=account,
                    region_name=region,
                    stackset_id=self.stackset_id,
                    stack_name=self.stack_name,
                    name=self.stackset_name,
                    template=self.template,
                    parameters=parameters,
                    permission_model=permission_model,
                )
                instance.organizational_unit_id = unit
                self.stack_instances.append(instance)
                created.append(instance)
    self.stopped, self.last_created = False, created
    return [i.to_dict() for i in created]


@replaces("moto.cloudformation.models:StackSet.update")
def _update(update: Method, self: Any, *args: Any, **kwargs: Any) -> Any:
    from moto.cloudformation.models import cloudformation_backends

    operation = update(self, *args, **kwargs)
    for instance in self.stack_instances:
        if instance.permission_model == "SERVICE_MANAGED" and instance.stack is not None:
            backend = cloudformation_backends[instance.account_id][instance.region_name]
            backend.update_stack(instance.stack.name, self.template, None, [], None)
            instance.template = self.template
    return operation


def _auto_deployed(organization: Any) -> list[Any]:
    """The service-managed StackSets of the organization's management account, in every
    Region, that deploy automatically."""
    from moto.cloudformation.models import cloudformation_backends

    management = organization.org.master_account_id
    return [
        stack_set
        for backend in list(cloudformation_backends[management].values())
        for stack_set in backend.stacksets.values()
        if stack_set.permission_model == "SERVICE_MANAGED"
        and stack_set.status == "ACTIVE"
        and (getattr(stack_set, "auto_deployment", None) or {}).get("Enabled")
    ]


def follow_membership(organization: Any) -> None:
    """Give each account that is now under a targeted OU its instances, and take them from
    each account that no longer is (its stacks kept if RetainStacksOnAccountRemoval)."""
    for stack_set in _auto_deployed(organization):
        instances = stack_set.instances
        retain = bool(stack_set.auto_deployment.get("RetainStacksOnAccountRemoval"))
        for instance in list(stack_set.stack_instances):
            unit = getattr(instance, "organizational_unit_id", None)
            if unit and instance.account_id not in member_accounts(organization, unit):
                instance.retained = retain
                instance.delete()
                stack_set.stack_instances.remove(instance)
        for unit, region in sorted(getattr(instances, "targets", set())):
            instances.create_instances(
                [],
                [region],
                stack_set.parameters,
                {"OrganizationalUnitIds": [unit]},
                permission_model="SERVICE_MANAGED",
            )


@replaces(
    "moto.organizations.models:OrganizationsBackend.move_account",
    "moto.organizations.models:OrganizationsBackend.remove_account_from_organization",
)
def _membership_changes(change: Method, self: Any, **kwargs: Any) -> Any:
    answer = change(self, **kwargs)
    if self.org is not None:
        follow_membership(self)
    return answer


rule(
    "EM466",
    "A service-managed StackSet deploys to its OUs' member accounts, child OUs in, management out",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html",
)(replacements(__name__))
