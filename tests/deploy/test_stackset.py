"""The baseline as a StackSet on the emulator: three accounts in two Regions, each stack
instance reported; a missing execution role fails its instance with the reason; drift is
read per instance; service-managed, through the OUs of an organization (trusted access,
delegated administrators). Each test administers from an account of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from appstack import config
from appstack.deploy import stackset
from appstack.deploy.stacks import DeployError
from appstack.errors import UsageError
from emulator import organizations as orgs
from emulator.accounts import Account
from emulator.stacksets import role

REGIONS = ("us-east-1", "eu-west-1")


@dataclass
class Organization:
    admin: Account
    targets: list[Account]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.targets)


def organization(endpoint: str, with_roles: int = 3) -> Organization:
    admin = Account(endpoint)
    role(admin, stackset.ADMINISTRATION_ROLE)
    targets = [Account(endpoint) for _ in range(3)]
    for target in targets[:with_roles]:
        role(target, stackset.EXECUTION_ROLE)
    return Organization(admin, targets)


def settings(**baseline: object) -> config.BaselineSettings:
    return config.parse({"baseline": baseline}).baseline


def test_three_accounts_in_two_regions_each_get_the_baseline(emulator_endpoint: str) -> None:
    org = organization(emulator_endpoint)
    goal = stackset.targets(settings(), org.ids, REGIONS, (), "us-east-1")
    assert goal is not None and goal.permission_model == "SELF_MANAGED"
    seen: list[stackset.Instance] = []
    rollout = stackset.deploy(org.admin.conn, settings(), goal, seen.append)
    assert rollout.ok, rollout
    assert {(i.account, i.region) for i in rollout.instances} == {
        (a, r) for a in org.ids for r in REGIONS
    }
    assert {i.where for i in seen} == {i.where for i in rollout.instances}
    for target in org.targets:
        for region in REGIONS:
            there = Account(emulator_endpoint, region, target.id)
            recorders = there.client("config").describe_configuration_recorders()
            assert len(recorders["ConfigurationRecorders"]) == 1
            stacks = there.client("cloudformation").describe_stacks()["Stacks"]
            assert [s["StackName"].startswith("StackSet-appstack-baseline-") for s in stacks] == [
                True
            ]
    # Deployed again unchanged: nothing to do, every instance current.
    again = stackset.deploy(org.admin.conn, settings(), goal)
    assert again.status == "NO_CHANGES" and again.ok
    # A change reaches every instance's stack.
    changed = settings(config_history={"keep_days": 400})
    updated = stackset.deploy(org.admin.conn, changed, goal)
    assert updated.ok
    there = Account(emulator_endpoint, "eu-west-1", org.ids[2]).client("cloudformation")
    [stack] = there.describe_stacks()["Stacks"]
    body = there.get_template(StackName=stack["StackName"])["TemplateBody"]
    assert '"ExpirationInDays": 400' in json.dumps(body) or "400" in str(body)


def test_an_account_without_the_execution_role_fails_its_instance_and_stops_the_region(
    emulator_endpoint: str,
) -> None:
    org = organization(emulator_endpoint, with_roles=1)
    goal = stackset.targets(settings(), org.ids, REGIONS, (), "us-east-1")
    assert goal is not None
    rollout = stackset.deploy(org.admin.conn, settings(), goal)
    assert rollout.status == "FAILED" and not rollout.ok
    by_place = {(i.account, i.region): i for i in rollout.instances}
    first, second, third = org.ids
    assert by_place[first, "us-east-1"].ok
    failed = by_place[second, "us-east-1"]
    assert failed.detailed == "FAILED" and stackset.EXECUTION_ROLE in failed.reason
    # Past the tolerance (0): the rest of the Region and every later Region are cancelled.
    assert by_place[third, "us-east-1"].detailed == "CANCELLED"
    assert {by_place[a, "eu-west-1"].detailed for a in org.ids} == {"CANCELLED"}


def test_a_failure_tolerance_lets_the_other_accounts_through(emulator_endpoint: str) -> None:
    org = organization(emulator_endpoint, with_roles=2)
    tolerant = settings(operation={"failure_tolerance_count": 1, "max_concurrent_count": 2})
    goal = stackset.targets(tolerant, org.ids, REGIONS, (), "us-east-1")
    assert goal is not None
    rollout = stackset.deploy(org.admin.conn, tolerant, goal)
    assert rollout.status == "SUCCEEDED"
    assert [i.where for i in rollout.failed] == [
        f"{org.ids[2]}/{r}" for r in ("eu-west-1", "us-east-1")
    ]


def test_drift_is_reported_per_instance(emulator_endpoint: str) -> None:
    org = organization(emulator_endpoint)
    goal = stackset.targets(settings(), org.ids[:1], REGIONS, (), "us-east-1")
    assert goal is not None
    assert stackset.deploy(org.admin.conn, settings(), goal).ok
    behind_its_back = Account(emulator_endpoint, "eu-west-1", org.ids[0]).client("cloudtrail")
    behind_its_back.stop_logging(Name="appstack-trail")
    drift = {i.region: i.drift for i in stackset.detect_drift(org.admin.conn, settings()).instances}
    assert drift == {"eu-west-1": "DRIFTED", "us-east-1": "IN_SYNC"}


def test_without_the_administration_role_nothing_is_made(emulator_endpoint: str) -> None:
    admin = Account(emulator_endpoint)
    goal = stackset.targets(settings(), ("111111111111",), REGIONS, (), "us-east-1")
    assert goal is not None
    with pytest.raises(DeployError, match=r"AWSCloudFormationStackSetAdministrationRole\.yml"):
        stackset.deploy(admin.conn, settings(), goal)
    assert stackset.describe(admin.client("cloudformation"), "appstack-baseline") is None


def test_targets_name_the_missing_half(emulator_endpoint: str) -> None:
    assert stackset.targets(settings(), (), (), (), "us-east-1") is None
    with pytest.raises(UsageError, match="name the accounts too"):
        stackset.targets(settings(), (), REGIONS, (), "us-east-1")
    with pytest.raises(UsageError, match="--ou"):
        stackset.targets(
            settings(permission_model="SERVICE_MANAGED"), ("111111111111",), (), (), "x"
        )
    from_config = settings(accounts=["111111111111"], regions=["eu-west-1"])
    goal = stackset.targets(from_config, (), (), (), "us-east-1")
    assert goal == stackset.Targets(("111111111111",), (), ("eu-west-1",), "SELF_MANAGED")


def test_destroy_deletes_every_instance_then_the_stack_set(emulator_endpoint: str) -> None:
    org = organization(emulator_endpoint)
    goal = stackset.targets(settings(), org.ids[:2], REGIONS[:1], (), "us-east-1")
    assert goal is not None
    assert stackset.deploy(org.admin.conn, settings(), goal).ok
    gone = stackset.destroy(org.admin.conn, settings())
    assert gone.instances == ()
    assert stackset.describe(org.admin.client("cloudformation"), "appstack-baseline") is None
    there = Account(emulator_endpoint, "us-east-1", org.ids[0]).client("config")
    assert there.describe_configuration_recorders()["ConfigurationRecorders"] == []


# Service-managed permissions, through AWS Organizations: a management account of its own
# with two OUs (workloads, which holds the OU prod, and security) and one member account in
# each of the three (emulator/organizations.py).


def test_a_service_managed_stack_set_reaches_every_account_of_its_ous_in_each_region(
    emulator_endpoint: str,
) -> None:
    org = orgs.organization(emulator_endpoint)
    units = (org.units["workloads"], org.units["security"])
    goal = stackset.targets(settings(), (), REGIONS, units, "us-east-1")
    assert goal is not None and goal.permission_model == "SERVICE_MANAGED"
    seen: list[stackset.Instance] = []
    rollout = stackset.deploy(org.management.conn, settings(), goal, seen.append)
    assert rollout.ok, rollout
    # The account of prod, below workloads, comes through workloads; the management account,
    # at the root, gets none.
    through = {"workloads": "workloads", "prod": "workloads", "security": "security"}
    assert {(i.account, i.unit, i.region) for i in rollout.instances} == {
        (org.members[member], org.units[unit], r)
        for member, unit in through.items()
        for r in REGIONS
    }
    assert {i.where for i in seen} == {i.where for i in rollout.instances}
    for account in org.accounts:
        there = Account(emulator_endpoint, "eu-west-1", account).client("config")
        assert len(there.describe_configuration_recorders()["ConfigurationRecorders"]) == 1
    management = Account(emulator_endpoint, "eu-west-1", org.management.id).client("config")
    assert management.describe_configuration_recorders()["ConfigurationRecorders"] == []

    assert stackset.deploy(org.management.conn, settings(), goal).status == "NO_CHANGES"
    updated = stackset.deploy(org.management.conn, settings(log_retention_days=400), goal)
    assert updated.ok and updated.status == "SUCCEEDED"
    prod = Account(emulator_endpoint, "eu-west-1", org.members["prod"]).client("cloudformation")
    [stack] = prod.describe_stacks()["Stacks"]
    assert "400" in json.dumps(prod.get_template(StackName=stack["StackName"])["TemplateBody"])

    # AutoDeployment: an account that joins an OU later gets the baseline, with nothing run.
    organizations = org.management.client("organizations")
    joined = organizations.create_account(AccountName="late", Email="late@example.com")
    late = joined["CreateAccountStatus"]["AccountId"]
    organizations.move_account(
        AccountId=late, SourceParentId=org.root, DestinationParentId=org.units["security"]
    )
    there = Account(emulator_endpoint, "us-east-1", late).client("config")
    assert len(there.describe_configuration_recorders()["ConfigurationRecorders"]) == 1

    gone = stackset.destroy(org.management.conn, settings())
    assert gone.instances == ()
    assert stackset.describe(org.management.client("cloudformation"), "appstack-baseline") is None
    assert prod.describe_stacks()["Stacks"] == []
    assert there.describe_configuration_recorders()["ConfigurationRecorders"] == []


def test_without_trusted_access_the_deploy_says_how_to_activate_it_and_changes_nothing(
    emulator_endpoint: str,
) -> None:
    org = orgs.organization(emulator_endpoint, trusted_access=False)
    goal = stackset.targets(settings(), (), REGIONS, (org.units["security"],), "us-east-1")
    assert goal is not None
    with pytest.raises(DeployError, match="aws cloudformation activate-organizations-access"):
        stackset.deploy(org.management.conn, settings(), goal)
    assert stackset.describe(org.management.client("cloudformation"), "appstack-baseline") is None


def test_a_member_account_is_told_to_deploy_from_the_management_account_or_as_delegate(
    emulator_endpoint: str,
) -> None:
    org = orgs.organization(emulator_endpoint)
    member = Account(emulator_endpoint, account=org.members["security"])
    goal = stackset.targets(settings(), (), REGIONS, (org.units["workloads"],), "us-east-1")
    assert goal is not None
    with pytest.raises(DeployError, match=r"management account.*call_as: DELEGATED_ADMIN"):
        stackset.deploy(member.conn, settings(), goal)
    delegated = settings(call_as="DELEGATED_ADMIN")
    goal = stackset.targets(delegated, (), REGIONS, (org.units["workloads"],), "us-east-1")
    assert goal is not None
    with pytest.raises(DeployError, match="register-delegated-administrator"):
        stackset.deploy(member.conn, delegated, goal)


def test_a_delegated_administrator_deploys_the_management_accounts_stack_set(
    emulator_endpoint: str,
) -> None:
    org = orgs.organization(emulator_endpoint)
    delegate = org.members["security"]
    org.management.client("organizations").register_delegated_administrator(
        AccountId=delegate, ServicePrincipal=stackset.TRUSTED_SERVICE
    )
    delegated = settings(call_as="DELEGATED_ADMIN")
    goal = stackset.targets(delegated, (), REGIONS[:1], (org.units["workloads"],), "us-east-1")
    assert goal is not None and goal.call_as == "DELEGATED_ADMIN"
    member = Account(emulator_endpoint, account=delegate)
    rollout = stackset.deploy(member.conn, delegated, goal)
    assert rollout.ok and {i.account for i in rollout.instances} == {
        org.members["workloads"],
        org.members["prod"],
    }
    assert stackset.describe(org.management.client("cloudformation"), "appstack-baseline")
    assert stackset.destroy(member.conn, delegated).instances == ()


def test_delegated_admin_is_refused_for_a_self_managed_stack_set() -> None:
    with pytest.raises(UsageError, match=r"baseline\.call_as"):
        stackset.targets(settings(call_as="DELEGATED_ADMIN"), ("111111111111",), (), (), "x")
