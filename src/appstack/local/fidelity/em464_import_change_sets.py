"""EM464: an IMPORT change set brings existing resources into a new stack, as they are.

CreateChangeSet with ChangeSetType IMPORT and ResourcesToImport (type, logical id, and the
identifier property of each resource) makes a change set whose changes are Import; executing
it creates the stack in IMPORT_IN_PROGRESS, then IMPORT_COMPLETE, holding those resources
with their physical ids, changed in nothing. What CloudFormation refuses
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/import-resources.html): a
resource to import without a DeletionPolicy, a type that does not support import, an
identifier that is not the type's, a resource that does not exist or that another stack
holds, and a template with resources that are not imported. moto 5.2.5 has no IMPORT. The
emulator imports into a new stack (a change set that creates it); an IMPORT into an existing
stack is refused with that said, not half done. Types and identifiers: data/resource_import.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from appstack.data import load
from appstack.local.fidelity import rule
from appstack.local.fidelity.em2_shared import find_change_set, find_stack, stack_holding


def importable() -> dict[str, str]:
    """The type of each resource appstack imports, and its identifier property."""
    types: dict[str, str] = load("resource_import")["types"]
    return types


def _bucket(account: str, region: str, name: str) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[account]["aws"].buckets[name]


def _policy(account: str, region: str, name: str) -> Any:
    from appstack.local.models._base import PLACEHOLDERS

    _bucket(account, region, name)
    policy = PLACEHOLDERS["AWS::S3::BucketPolicy"]("BucketPolicy", region)
    policy.physical_resource_id = name
    return policy


def _role(account: str, region: str, name: str) -> Any:
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account]["global"].get_role(name)
    except NotFoundException:
        raise KeyError(name) from None


def _log_group(account: str, region: str, name: str) -> Any:
    from moto.logs.models import logs_backends

    return logs_backends[account][region].groups[name]


def _recorder(account: str, region: str, name: str) -> Any:
    from moto.config.models import config_backends

    from appstack.local.models.config import ConfigurationRecorder

    config_backends[account][region].recorders[name]
    return ConfigurationRecorder(name)


def _channel(account: str, region: str, name: str) -> Any:
    from moto.config.models import config_backends

    from appstack.local.models.config import DeliveryChannel

    config_backends[account][region].delivery_channels[name]
    return DeliveryChannel(name)


def _trail(account: str, region: str, name: str) -> Any:
    from moto.cloudtrail.models import cloudtrail_backends

    from appstack.local.models.cloudtrail import Trail

    return Trail(cloudtrail_backends[account][region].trails[name])


#: The existing resource of each type, by identifier, as the stack's model holds it
#: (KeyError: it does not exist).
FIND: dict[str, Callable[[str, str, str], Any]] = {
    "AWS::S3::Bucket": _bucket,
    "AWS::S3::BucketPolicy": _policy,
    "AWS::IAM::Role": _role,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::Config::ConfigurationRecorder": _recorder,
    "AWS::Config::DeliveryChannel": _channel,
    "AWS::CloudTrail::Trail": _trail,
}


def _template(text: str) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:
        found = yaml.safe_load(text)
    return found


def refusal(backend: Any, template: dict[str, Any], wanted: list[dict[str, Any]]) -> str | None:
    """Why CloudFormation would refuse this import (None: it would not)."""
    resources = template.get("Resources", {})
    named = {w["LogicalResourceId"] for w in wanted}
    extra = sorted(set(resources) - named)
    if extra:
        return f"You cannot add new resources during an import operation: {', '.join(extra)}"
    for item in wanted:
        logical, kind = item["LogicalResourceId"], item["ResourceType"]
        resource = resources.get(logical)
        if resource is None or resource.get("Type") != kind:
            return f"Resource {logical} of type {kind} is not in the template"
        if "DeletionPolicy" not in resource:
            return (
                f"The following resources to import [{logical}] must have DeletionPolicy "
                "attribute specified in the template."
            )
        if kind not in importable():
            return f"ResourceType {kind} does not support import"
        identifier = item.get("ResourceIdentifier", {})
        if set(identifier) != {importable()[kind]}:
            return (
                f"Invalid ResourceIdentifier for {logical}: {kind} is identified by "
                f"{importable()[kind]}"
            )
        physical = identifier[importable()[kind]]
        try:
            FIND[kind](backend.account_id, backend.region_name, physical)
        except KeyError:
            return f"Resources [{logical}] do not exist: {kind} {physical}"
        holder = stack_holding(backend, physical, kind)
        if holder is not None:
            return f"Resource {physical} of type {kind} already exists in stack {holder.name}"
    return None


@rule(
    "EM464",
    "An IMPORT change set brings existing resources into a new stack; what import refuses",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    respond = CloudFormationResponse.create_change_set
    execute = CloudFormationBackend.execute_change_set

    def create_change_set(self: Any) -> Any:
        if self._get_param("ChangeSetType") != "IMPORT":
            return respond(self)
        return create_import(self)

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> Any:
        found = find_change_set(self, change_set_name, stack_name)
        if found is None or found.change_set_type != "IMPORT":
            return execute(self, change_set_name, stack_name)
        return run_import(self, found)

    setattr(CloudFormationResponse, "create_change_set", create_change_set)  # noqa: B010
    setattr(CloudFormationBackend, "execute_change_set", execute_change_set)  # noqa: B010


def create_import(response: Any) -> Any:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import Change
    from moto.core.responses import ActionResult

    backend = response.cloudformation_backend
    name = response._get_param("StackName")
    if find_stack(backend, name) is not None:
        raise ValidationError(
            message=f"Stack [{name}] exists: the emulator imports into a new stack only (EM464)"
        )
    body = response._get_param("TemplateBody")
    wanted = response._get_param("ResourcesToImport", [])
    why = refusal(backend, _template(body), wanted)
    if why:
        raise ValidationError(message=why)
    parameters = {
        p["ParameterKey"]: p["ParameterValue"] for p in response._get_param("Parameters", [])
    }
    change_set_id, stack_id = backend.create_change_set(
        stack_name=name,
        change_set_name=response._get_param("ChangeSetName"),
        template=body,
        parameters=parameters,
        description=response._get_param("Description"),
        change_set_type="IMPORT",
    )
    created = backend.change_sets[change_set_id]
    created.changes = [Change("Import", w["LogicalResourceId"], w["ResourceType"]) for w in wanted]
    created.imported = {
        w["LogicalResourceId"]: (w["ResourceType"], next(iter(w["ResourceIdentifier"].values())))
        for w in wanted
    }
    return ActionResult({"Id": change_set_id, "StackId": stack_id})


def run_import(backend: Any, change_set: Any) -> None:
    """Execute an IMPORT change set: the stack holds the existing resources, unchanged."""
    stack = backend.stacks[change_set.stack_id]
    stack._add_stack_event("IMPORT_IN_PROGRESS", resource_status_reason="User Initiated")
    stack.template = change_set.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = change_set.parameters
    stack.resource_map = stack._create_resource_map()
    for logical, (kind, physical) in change_set.imported.items():
        found = FIND[kind](backend.account_id, backend.region_name, physical)
        found.cf_resource_type = kind
        found.logical_resource_id = logical
        stack.resource_map._parsed_resources[logical] = found
    stack.resource_map.create(stack.template_dict)
    stack.output_map = stack._create_output_map()
    stack.status = "IMPORT_COMPLETE"
    stack._add_stack_event("IMPORT_COMPLETE")
    change_set.execution_status = "EXECUTE_COMPLETE"
