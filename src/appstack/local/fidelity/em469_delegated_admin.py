"""EM469: a delegated administrator for StackSets operates the organization's service-managed
StackSets with CallAs DELEGATED_ADMIN; they live in the management account.

"Member accounts with delegated administrator permissions can create and manage StackSets
with service-managed permissions for the organization. StackSets with service-managed
permissions are created in the management account, including StackSets created by delegated
administrators"; the management account registers one with RegisterDelegatedAdministrator
for the service principal member.org.stacksets.cloudformation.amazonaws.com
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
CallAs: "If you are signed in to a delegated administrator account, specify DELEGATED_ADMIN.
Your AWS account must be registered as a delegated administrator in the management account"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
moto 5.2.5 refuses to register a delegated administrator for StackSets ("unrecognized service
principal") and ignores CallAs, so a StackSet made by a delegated administrator lands in its
own account, where the management account never sees it. Here the registration is accepted,
and a call with CallAs DELEGATED_ADMIN acts on the management account's StackSets, from a
registered account only ("Account used is not a delegated administrator" otherwise).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule
from appstack.local.fidelity.em465_trusted_access import PRINCIPAL, organization_of


def delegating(account: str) -> str | None:
    """The management account that registered `account` as a delegated administrator for
    StackSets, or None."""
    organization = organization_of(account)
    if organization is None:
        return None
    for admin in organization.admins:
        if admin.account.id == account and PRINCIPAL in admin.services:
            return str(organization.org.master_account_id)
    return None


@rule(
    "EM469",
    "CallAs DELEGATED_ADMIN acts on the management account's StackSets, from a registered account",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html",
)
def install() -> None:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import cloudformation_backends
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.organizations.models import FakeDelegatedAdministrator

    if PRINCIPAL not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(PRINCIPAL)
    own: Any = CloudFormationResponse.cloudformation_backend

    def backend(self: Any) -> Any:
        if self._get_param("CallAs") != "DELEGATED_ADMIN":
            return own.fget(self)
        management = delegating(self.current_account)
        if management is None:
            raise ValidationError(message="Account used is not a delegated administrator")
        return cloudformation_backends[management][self.region]

    setattr(CloudFormationResponse, "cloudformation_backend", property(backend))  # noqa: B010
