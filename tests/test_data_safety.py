"""Moving between any two phases keeps (or snapshots) every piece of data.

For each environment and each ordered pair of phases, the change CloudFormation would make
is derived from the two templates (what goes, and what changes: replaced when a create-only
property of the registry schema changes, as AWS reports it), and the guard that runs before
every deploy must find nothing to refuse.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from appstack import config
from appstack.data.stateful import stateful_types
from appstack.deploy.changesets import Change
from appstack.deploy.protection import risks, stack_policy
from appstack.phases import PHASES
from conftest import synth

ENVIRONMENTS = list(config.parse({}).environments)
CONFIG = {
    "environments": {e: {"vpn": {"customer_gateway_ip": "203.0.113.10"}} for e in ENVIRONMENTS}
}
PAIRS = list(itertools.permutations(PHASES, 2))


#: Properties the CloudFormation reference documents as "Update requires: Replacement"
#: beyond the registry schema's createOnlyProperties.
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
DOCUMENTED_REPLACEMENTS = {"AWS::DynamoDB::Table": {"KeySchema"}}


def create_only(resource_type: str) -> set[str]:
    """The properties whose change replaces a resource (cfn-lint's registry schemas)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    names = {p.split("/")[2] for p in schema.get("createOnlyProperties", [])}
    return names | DOCUMENTED_REPLACEMENTS.get(resource_type, set())


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The change set's resource changes: a modification replaces when a create-only
    property changes (Replacement "True"), as the change set reports it."""
    before, after = old["Resources"], new["Resources"]
    found = [Change("Remove", n, r["Type"]) for n, r in before.items() if n not in after]
    found += [Change("Add", n, r["Type"]) for n, r in after.items() if n not in before]
    for n in before.keys() & after.keys():
        if before[n] == after[n]:
            continue
        was, now = before[n].get("Properties", {}), after[n].get("Properties", {})
        forced = any(was.get(p) != now.get(p) for p in create_only(after[n]["Type"]))
        found.append(Change("Modify", n, after[n]["Type"], "True" if forced else "False"))
    return found


def stateful(template: dict[str, Any]) -> dict[str, str]:
    types = stateful_types()
    return {n: r["Type"] for n, r in template["Resources"].items() if r["Type"] in types}


@pytest.fixture(scope="module")
def templates() -> dict[tuple[str, int], dict[str, Any]]:
    return {(e, p): synth(CONFIG, env=e, phase=p) for e in ENVIRONMENTS for p in PHASES}


@pytest.mark.parametrize(("old", "new"), PAIRS)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_moving_between_two_phases_loses_no_data(
    templates: dict[tuple[str, int], dict[str, Any]], env: str, old: int, new: int
) -> None:
    before, after = templates[env, old], templates[env, new]
    assert risks(changes_between(before, after), before, after) == []


@pytest.mark.parametrize(("old", "new"), PAIRS)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_data_of_the_lower_phase_keeps_its_logical_id_and_type(
    templates: dict[tuple[str, int], dict[str, Any]], env: str, old: int, new: int
) -> None:
    """A renamed table would be a new, empty table even with the old one retained."""
    lower, higher = sorted((old, new))
    kept = stateful(templates[env, lower])
    assert kept.items() <= stateful(templates[env, higher]).items()


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_stack_policy_of_a_phase_guards_all_its_data(
    templates: dict[tuple[str, int], dict[str, Any]], env: str, phase: int
) -> None:
    template = templates[env, phase]
    policy = json.loads(stack_policy(template))
    denied = {
        r.removeprefix("LogicalResourceId/")
        for s in policy["Statement"]
        if s["Effect"] == "Deny"
        for r in s["Resource"]
    }
    # Instances of a cluster hold no data of their own; the (named) cluster does.
    holders = {
        n
        for n, resource in ((n, template["Resources"][n]) for n in stateful(template))
        if not (
            resource["Type"] == "AWS::RDS::DBInstance"
            and resource.get("Properties", {}).get("DBClusterIdentifier")
        )
    }
    assert "DatabaseCluster" in holders or phase == 1
    assert denied == holders


def test_the_pair_check_catches_a_vault_that_would_be_deleted(
    templates: dict[tuple[str, int], dict[str, Any]],
) -> None:
    before = json.loads(json.dumps(templates["dev", 4]))
    after = json.loads(json.dumps(templates["dev", 1]))
    before["Resources"]["BackupVault"]["DeletionPolicy"] = "Delete"
    assert risks(changes_between(before, after), before, after) == [
        "BackupVault (AWS::Backup::BackupVault) would be deleted"
    ]


def test_the_pair_check_catches_a_table_whose_keys_change(
    templates: dict[tuple[str, int], dict[str, Any]],
) -> None:
    """Replaced with UpdateReplacePolicy Retain, the table is still lost to the application:
    it switches to a new, empty table while the old one sits orphaned."""
    before = templates["dev", 1]
    after = json.loads(json.dumps(before))
    after["Resources"]["Table"]["Properties"]["KeySchema"][0]["AttributeName"] = "id"
    assert risks(changes_between(before, after), before, after) == [
        "Table (AWS::DynamoDB::Table) would be replaced"
    ]


def test_the_pair_check_catches_a_renamed_table(
    templates: dict[tuple[str, int], dict[str, Any]],
) -> None:
    higher = json.loads(json.dumps(templates["dev", 2]))
    higher["Resources"]["AppTable"] = higher["Resources"].pop("Table")
    assert not stateful(templates["dev", 1]).items() <= stateful(higher).items()
