"""EM465: a service-managed StackSet needs the management account of an organization, trusted
access for StackSets activated, and AutoDeployment.

"Before you create a StackSet with service-managed permissions, you must first ... Enable all
features in AWS Organizations ... Activate trusted access with AWS Organizations"; only the
management account activates it, with ActivateOrganizationsAccess (the console's "Activate
trusted access"), and DescribeOrganizationsAccess answers its Status, ENABLED or DISABLED
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeOrganizationsAccess.html).
CreateStackSet's AutoDeployment is "Required if the permissions model is SERVICE_MANAGED"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
moto 5.2.5 has none of the three calls and creates a service-managed StackSet from any
account, with or without an organization, trusted access or AutoDeployment. Here
CreateStackSet and CreateStackInstances of a service-managed StackSet refuse an account that
is not the organization's management account ("You must be the master or delegated admin
account of an organization before operating a SERVICE_MANAGED stack set") and an organization
without trusted access ("You must enable organizations access to operate a service managed
stack set"), as CloudFormation words both; CreateStackSet refuses a missing AutoDeployment.
Activating enables the service principal in AWS Organizations too; the reverse does not hold
here: enabling the principal in AWS Organizations alone skips "required setup tasks" that only
CloudFormation's side performs
(https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudformation.html),
so DescribeOrganizationsAccess stays DISABLED until ActivateOrganizationsAccess.

The helpers below find the organization an account belongs to in moto's Organizations
backend; EM466-EM469 use them.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import Method, replacements, replaces, rule

#: The service principal of StackSets' trusted access in AWS Organizations.
PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
NOT_MANAGEMENT = (
    "You must be the master or delegated admin account of an organization before operating "
    "a SERVICE_MANAGED stack set"
)
NO_ACCESS = "You must enable organizations access to operate a service managed stack set"


def organization_of(account: str) -> Any | None:
    """The Organizations backend of the organization `account` belongs to (its management
    account's), or None."""
    from moto.organizations.models import organizations_backends

    own = organizations_backends[account]["aws"]
    if own.org is not None:
        return own
    found = organizations_backends.master_accounts.get(account)
    if found is None:
        return None
    management, partition = found
    return organizations_backends[management][partition]


def managed_by(account: str) -> Any | None:
    """The Organizations backend of the organization `account` is the management account
    of, or None."""
    found = organization_of(account)
    if found is None or found.org.master_account_id != account:
        return None
    return found


def check_service_managed(account: str) -> Any:
    """Refuse, as CloudFormation does, a service-managed StackSet operation from `account`
    unless it manages an organization with trusted access activated; the organization."""
    from moto.cloudformation.exceptions import ValidationError

    organization = managed_by(account)
    if organization is None:
        raise ValidationError(message=NOT_MANAGEMENT)
    if not getattr(organization, "stacksets_access", False):
        raise ValidationError(message=NO_ACCESS)
    return organization


def _administered(response: Any) -> Any:
    """The organization the caller (or, with CallAs DELEGATED_ADMIN, EM469) manages;
    refused as CloudFormation refuses it when there is none."""
    from moto.cloudformation.exceptions import ValidationError

    organization = managed_by(response.cloudformation_backend.account_id)
    if organization is None:
        raise ValidationError(message=NOT_MANAGEMENT)
    return organization


@replaces("moto.cloudformation.responses:CloudFormationResponse.activate_organizations_access")
def _activate(original: Method | None, self: Any) -> Any:
    from moto.cloudformation.exceptions import ValidationError
    from moto.core.responses import EmptyResult

    organization = _administered(self)
    if organization.org.feature_set != "ALL":
        raise ValidationError(
            message="Trusted access needs all features enabled in AWS Organizations; with "
            "consolidated billing features only, a service-managed StackSet cannot be created"
        )
    organization.stacksets_access = True
    organization.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    return EmptyResult()


@replaces("moto.cloudformation.responses:CloudFormationResponse.deactivate_organizations_access")
def _deactivate(original: Method | None, self: Any) -> Any:
    from moto.core.responses import EmptyResult

    organization = _administered(self)
    organization.stacksets_access = False
    organization.disable_aws_service_access(ServicePrincipal=PRINCIPAL)
    return EmptyResult()


@replaces("moto.cloudformation.responses:CloudFormationResponse.describe_organizations_access")
def _describe(original: Method | None, self: Any) -> Any:
    from moto.core.responses import ActionResult

    enabled = getattr(_administered(self), "stacksets_access", False)
    return ActionResult({"Status": "ENABLED" if enabled else "DISABLED"})


@replaces("moto.cloudformation.responses:CloudFormationResponse.create_stack_set")
def _create_stack_set(respond: Method, self: Any) -> Any:
    from moto.cloudformation.exceptions import ValidationError

    if self._get_param("PermissionModel") == "SERVICE_MANAGED":
        check_service_managed(self.cloudformation_backend.account_id)
        deployment = self._get_param("AutoDeployment")
        if not deployment or deployment.get("Enabled") is None:
            raise ValidationError(
                message="AutoDeployment must be specified for a StackSet with SERVICE_MANAGED "
                "permission model: AutoDeployment.Enabled (and, when enabled, "
                "RetainStacksOnAccountRemoval)"
            )
        answer = respond(self)
        created = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
        created.auto_deployment = {
            "Enabled": bool(deployment["Enabled"]),
            "RetainStacksOnAccountRemoval": bool(
                deployment.get("RetainStacksOnAccountRemoval", False)
            ),
        }
        return answer
    return respond(self)


@replaces("moto.cloudformation.responses:CloudFormationResponse.create_stack_instances")
def _create_stack_instances(respond: Method, self: Any) -> Any:
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    if stack_set.permission_model == "SERVICE_MANAGED":
        check_service_managed(self.cloudformation_backend.account_id)
    return respond(self)


rule(
    "EM465",
    "A service-managed StackSet needs the management account, trusted access and AutoDeployment",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html",
)(replacements(__name__))
