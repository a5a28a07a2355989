"""AWS Organizations test set-up on the emulator: a management account of its own with an
organization of three member accounts, in two OUs one of which holds a child OU
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_ous.html), and
trusted access for StackSets activated or not
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html)."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.accounts import Account


@dataclass
class Organization:
    management: Account
    root: str
    #: OU ids by name: "workloads", "prod" (below workloads) and "security".
    units: dict[str, str] = field(default_factory=dict)
    #: Member account ids by the OU they are in.
    members: dict[str, str] = field(default_factory=dict)

    @property
    def accounts(self) -> set[str]:
        return set(self.members.values())


def organization(
    endpoint: str, trusted_access: bool = True, region: str = "us-east-1"
) -> Organization:
    """workloads (one account) > prod (one account), and security (one account); the
    management account's connection in `region`."""
    management = Account(endpoint, region)
    orgs = management.client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    made = Organization(management, root)
    for name, parent in (("workloads", root), ("prod", "workloads"), ("security", root)):
        parent_id = made.units.get(parent, parent)
        unit = orgs.create_organizational_unit(ParentId=parent_id, Name=name)
        made.units[name] = unit["OrganizationalUnit"]["Id"]
        status = orgs.create_account(AccountName=name, Email=f"{name}@example.com")
        account = status["CreateAccountStatus"]["AccountId"]
        orgs.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=made.units[name]
        )
        made.members[name] = account
    if trusted_access:
        management.client("cloudformation").activate_organizations_access()
    return made


#: AutoDeployment as appstack sets it: accounts that join get the StackSet, leavers keep it.
AUTO = {"Enabled": True, "RetainStacksOnAccountRemoval": True}


def service_managed(org: Organization, name: str, template: str, units: list[str]) -> None:
    """A service-managed StackSet `name` of the management account, deployed to `units` in
    us-east-1 and eu-west-1."""
    cfn = org.management.client("cloudformation")
    cfn.create_stack_set(
        StackSetName=name, TemplateBody=template, PermissionModel="SERVICE_MANAGED",
        AutoDeployment=AUTO,
    )  # fmt: skip
    cfn.create_stack_instances(
        StackSetName=name, Regions=["us-east-1", "eu-west-1"],
        DeploymentTargets={"OrganizationalUnitIds": units},
    )  # fmt: skip
