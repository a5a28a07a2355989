"""Move the account's Config recorder and CloudTrail trail out of an environment stack that
still holds them, into the account baseline: without a gap in recording, and without losing
what the buckets hold. Retain, then import
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html):

1. the environment's deployed template with DeletionPolicy Retain on each of them, and
   nothing else changed (an update that touches no resource's properties);
2. the same template without them: CloudFormation releases them (Retain keeps them; the
   recorder records, the trail logs, the buckets keep their objects); the key still lets
   CloudTrail encrypt for the trail;
3. an IMPORT change set creates the baseline's stack holding them, as they are (references to
   what stays in the environment written as literal values);
4. the baseline's own template, through the deploy workflow: its key, and the recorder,
   trail and buckets moved onto it, each changed in place.

Every type moved supports import (data/resource_import.json), so no resource is recreated.
Objects already in the buckets stay encrypted with the environment's key, which is retained
(DeletionPolicy Retain): they stay readable. The trail keeps its name, so the baseline's name
must give it (`baseline.name`: the trail is `<name>-trail`).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from appstack.config import BaselineSettings
from appstack.data import load
from appstack.deploy import baseline, changesets, events, stacks, workflow
from appstack.deploy.session import Connection
from appstack.deploy.waiting import poll
from appstack.errors import UsageError
from appstack.template import references

#: What environments held of the account's, by logical id (the baseline keeps these ids).
ACCOUNT_WIDE = (
    "ConfigRecorder",
    "ConfigDeliveryChannel",
    "ConfigBucket",
    "ConfigBucketPolicy",
    "ConfigRole",
    "AuditTrail",
    "AuditLogBucket",
    "AuditLogBucketPolicy",
    "AuditLogGroup",
    "AuditLogDeliveryRole",
)
PSEUDO = "AWS::"


@dataclass
class Adoption:
    """What moved: the environment's steps and the baseline's stack."""

    stack: str
    baseline: str
    moved: list[str]
    steps: list[str]


def identifiers() -> dict[str, str]:
    types: dict[str, str] = load("resource_import")["types"]
    return types


def adopt(
    conn: Connection,
    stack: str,
    settings: BaselineSettings,
    interaction: workflow.Interaction,
    on_event: Callable[[events.Event], None] | None = None,
) -> Adoption:
    """Move the recorder and trail `stack` holds into the account baseline (see above)."""
    cfn = conn.client("cloudformation")
    found = stacks.require(cfn, stack)
    deployed = stacks.template_of(cfn, stack)
    physical = stacks.physical_ids(cfn, stack)
    moving = [m for m in ACCOUNT_WIDE if m in deployed.get("Resources", {})]
    _check(conn, stack, settings, moving, physical)
    production = bool(found.get("EnableTerminationProtection"))
    done = Adoption(stack, settings.stack_name, moving, [])
    retained = retain(deployed, moving)
    _update(conn, stack, retained, production, on_event)
    done.steps.append(f"{stack}: DeletionPolicy Retain on {', '.join(moving)}")
    _update(conn, stack, release(retained, moving), production, on_event)
    done.steps.append(f"{stack}: released {', '.join(moving)} (kept running)")
    template = importing(conn, retained, moving, physical, _parameters(found))
    try:
        import_into(conn, settings.stack_name, template, _to_import(template, moving, physical))
    except stacks.DeployError as exc:
        raise _stranded(conn, stack, settings, moving, physical, exc) from exc
    done.steps.append(f"{settings.stack_name}: imported {', '.join(moving)}")
    result = baseline.deploy(conn, settings, interaction, yes=True, validate=False)
    if not result.ok:
        raise stacks.DeployError(
            f"the baseline {settings.stack_name} holds them now, but its update failed "
            f"({result.status}); deploy it again: appstack baseline deploy"
        )
    done.steps.append(f"{settings.stack_name}: {result.status}")
    return done


def _check(
    conn: Connection,
    stack: str,
    settings: BaselineSettings,
    moving: list[str],
    physical: Mapping[str, str],
) -> None:
    if not moving:
        raise UsageError(f"stack {stack} holds no Config recorder or trail: nothing to move")
    if stacks.current(conn, settings.stack_name) is not None:
        raise UsageError(
            f"the baseline {settings.stack_name} exists already in {conn.region}; adopt creates "
            "it from what the environment holds (AWS allows one recorder per Region)"
        )
    trail = physical.get("AuditTrail")
    if trail and trail.split("/")[-1] != settings.trail_name:
        name = trail.split("/")[-1].removesuffix("-trail")
        raise UsageError(
            f"the trail of {stack} is {trail.split('/')[-1]}, and a trail's name cannot change "
            f"in place: set baseline.name: {name} (the baseline's trail is <name>-trail)"
        )


def _stranded(
    conn: Connection,
    stack: str,
    settings: BaselineSettings,
    moving: list[str],
    physical: Mapping[str, str],
    failure: stacks.DeployError,
) -> stacks.DeployError:
    """The error of an import that failed after `stack` released what it moves: those run on,
    kept, in no stack. The baseline's empty stack under review is deleted (its name would
    stop the next try), and the error names each resource, for an import by hand."""
    cfn = conn.client("cloudformation")
    stacks.clear_abandoned_review(cfn, stacks.describe(cfn, settings.stack_name))
    held = "; ".join(f"{m}: {physical[m]}" for m in moving)
    return stacks.DeployError(
        f"{failure}. {stack} released them first: they run on (recording and logging), kept "
        f"by DeletionPolicy Retain, in no stack: {held}. Once the cause is fixed, import them "
        f"into {settings.stack_name} (CloudFormation resource import, by these ids)"
    )


def retain(template: Mapping[str, Any], moving: list[str]) -> dict[str, Any]:
    """`template` with DeletionPolicy and UpdateReplacePolicy Retain on `moving`."""
    kept = copy.deepcopy(dict(template))
    for logical_id in moving:
        kept["Resources"][logical_id]["DeletionPolicy"] = "Retain"
        kept["Resources"][logical_id]["UpdateReplacePolicy"] = "Retain"
    return kept


def release(template: Mapping[str, Any], moving: list[str]) -> dict[str, Any]:
    """`template` without `moving`, and without what pointed at them (DependsOn, Outputs);
    a property that refers to one of them cannot be released."""
    left = copy.deepcopy(dict(template))
    gone = set(moving)
    for logical_id in moving:
        del left["Resources"][logical_id]
    for logical_id, resource in left["Resources"].items():
        if "DependsOn" in resource:
            after = [d for d in _as_list(resource["DependsOn"]) if d not in gone]
            resource["DependsOn"] = after
            if not after:
                del resource["DependsOn"]
        pointing = references(resource.get("Properties", {})) & gone
        if pointing:
            raise stacks.DeployError(
                f"{logical_id} refers to {', '.join(sorted(pointing))}: they cannot leave the "
                "stack alone; nothing was changed"
            )
    left["Outputs"] = {k: v for k, v in left.get("Outputs", {}).items() if not references(v) & gone}
    return left


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _parameters(found: Mapping[str, Any]) -> dict[str, str]:
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in found.get("Parameters", [])}


def importing(
    conn: Connection,
    template: Mapping[str, Any],
    moving: list[str],
    physical: Mapping[str, str],
    values: Mapping[str, str],
) -> dict[str, Any]:
    """The import template: the moved resources as deployed, what they point at in the
    environment written as its value, the environment's parameters at their values."""
    resources = template["Resources"]
    literal = _literals(conn, resources, moving, physical)
    moved = {}
    for logical_id in moving:
        resource = copy.deepcopy(resources[logical_id])
        if "DependsOn" in resource:
            after = [d for d in _as_list(resource["DependsOn"]) if d in moving]
            resource["DependsOn"] = after
            if not after:
                del resource["DependsOn"]
        resource["Properties"] = _detach(resource.get("Properties", {}), literal)
        moved[logical_id] = resource
    parameters = {
        name: {**spec, "Default": values.get(name, spec.get("Default", ""))}
        for name, spec in template.get("Parameters", {}).items()
        if name in values
    }
    return {
        "Description": "appstack account baseline, imported from an environment stack",
        "Parameters": parameters,
        "Resources": moved,
    }


def _literals(
    conn: Connection,
    resources: Mapping[str, Any],
    moving: list[str],
    physical: Mapping[str, str],
) -> dict[tuple[str, str], str]:
    """(logical id, attribute) -> value of each resource left in the environment that a
    moved one points at ("" the attribute: Ref). Keys are the one kind with an attribute."""
    wanted: set[str] = set()
    for logical_id in moving:
        wanted |= references(resources[logical_id].get("Properties", {}))
    found: dict[tuple[str, str], str] = {}
    for target in sorted(wanted - set(moving)):
        if target not in resources:
            continue  # a parameter or a pseudo-parameter: kept as it is
        found[target, ""] = physical[target]
        if resources[target]["Type"] == "AWS::KMS::Key":
            key = conn.client("kms").describe_key(KeyId=physical[target])["KeyMetadata"]
            found[target, "Arn"] = key["Arn"]
    return found


def _detach(value: Any, literal: Mapping[tuple[str, str], str]) -> Any:
    """`value` with each Ref and Fn::GetAtt of a resource in `literal` replaced by its value."""
    if isinstance(value, list):
        return [_detach(v, literal) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and (value["Ref"], "") in literal:
        return literal[value["Ref"], ""]
    if set(value) == {"Fn::GetAtt"}:
        target, attribute = (
            _as_list(value["Fn::GetAtt"])[:2]
            if isinstance(value["Fn::GetAtt"], list)
            else value["Fn::GetAtt"].split(".", 1)
        )
        if (target, attribute) in literal:
            return literal[target, attribute]
        if (target, "") in literal:
            raise stacks.DeployError(f"cannot write {target}.{attribute} as a value")
    return {k: _detach(v, literal) for k, v in value.items()}


def _to_import(
    template: Mapping[str, Any], moving: list[str], physical: Mapping[str, str]
) -> list[dict[str, Any]]:
    """ResourcesToImport: each moved resource by its type's identifier."""
    found = []
    for logical_id in moving:
        kind = template["Resources"][logical_id]["Type"]
        value = physical[logical_id]
        if kind == "AWS::S3::BucketPolicy":  # identified by its bucket
            bucket = template["Resources"][logical_id]["Properties"]["Bucket"]
            value = physical[bucket["Ref"]] if isinstance(bucket, dict) else str(bucket)
        if kind == "AWS::CloudTrail::Trail":
            value = value.split("/")[-1]
        found.append(
            {
                "ResourceType": kind,
                "LogicalResourceId": logical_id,
                "ResourceIdentifier": {identifiers()[kind]: value},
            }
        )
    return found


def import_into(
    conn: Connection, stack: str, template: dict[str, Any], resources: list[dict[str, Any]]
) -> None:
    """Create `stack` by an IMPORT change set of `resources`, and wait for it."""
    cfn = conn.client("cloudformation")
    name = f"appstack-import-{uuid.uuid4().hex[:8]}"
    prepared, _ = conn.prepare(template)
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="IMPORT",
        TemplateBody=changesets.compact(prepared),
        Capabilities=changesets.CAPABILITIES,
        ResourcesToImport=resources,
    )
    described = poll(lambda: changesets._ready(cfn, stack, name))
    if described is None or described.get("Status") == "FAILED":
        reason = (described or {}).get("StatusReason", "")
        raise stacks.DeployError(f"CloudFormation refused the import into {stack}: {reason}")
    cfn.execute_change_set(StackName=stack, ChangeSetName=name, ClientRequestToken=name)
    final, _ = stacks.follow(cfn, stack, None, name)
    if final["StackStatus"] != "IMPORT_COMPLETE":
        raise stacks.DeployError(f"the import into {stack} ended {final['StackStatus']}")


def _update(
    conn: Connection,
    stack: str,
    template: dict[str, Any],
    production: bool,
    on_event: Callable[[events.Event], None] | None,
) -> None:
    """One step on the environment's stack through the engine (stack policy, protection)."""
    prepared, _ = conn.prepare(template)
    change_set, refused = stacks.plan(conn, stack, stacks.current(conn, stack), prepared)
    if change_set.empty:
        return
    if refused:
        stacks.discard(conn, change_set)
        raise stacks.DeployError(f"{stack}: {'; '.join(refused)}; nothing was changed")
    outcome = stacks.apply(conn, change_set, prepared, production, on_event)
    if not outcome.ok:
        raise stacks.DeployError(
            f"{stack}: the step ended {outcome.status}; it rolled back, the stack holds what it "
            "held; run appstack baseline adopt again"
        )
