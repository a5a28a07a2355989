"""Fixes to moto's own CloudFormation, applied once when the models are imported.

Each function names the gap it closes; none changes what a template says.
"""

from __future__ import annotations

import json
import re
from typing import Any


def _kms_tags_as_kms_api() -> None:
    """moto's AWS::KMS::Key passes CloudFormation tags (Key/Value) to a tagger that expects
    the KMS API's TagKey/TagValue, and fails with a 500; translate them first. It also keeps
    the key policy as an object, and every later DescribeKey fails with a 500 parsing it as
    JSON text; store it as text."""
    from moto.kms.models import Key

    original = Key.__dict__["create_from_cloudformation_json"].__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *a: Any, **kw: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        properties["Tags"] = [
            {"TagKey": t["Key"], "TagValue": t["Value"]} if "Key" in t else t
            for t in properties.get("Tags", [])
        ]
        if isinstance(properties.get("KeyPolicy"), dict):
            properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
        return original(cls, resource_name, cloudformation_json, *a, **kw)

    setattr(Key, "create_from_cloudformation_json", classmethod(create))  # noqa: B010


def _target_group_attributes() -> None:
    """moto's target group answers no Fn::GetAtt and its load balancer not LoadBalancerFullName;
    the alarms' dimensions need both."""
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "TargetGroupFullName":
            return "targetgroup/" + self.arn.split(":targetgroup/")[-1]
        if attribute_name == "TargetGroupName":
            return self.name
        if attribute_name == "TargetGroupArn":
            return self.arn
        if attribute_name == "LoadBalancerArns":
            return list(self.load_balancer_arns)
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    setattr(FakeTargetGroup, "get_cfn_attribute", get_cfn_attribute)  # noqa: B010

    original = FakeLoadBalancer.get_cfn_attribute

    def load_balancer_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "LoadBalancerFullName":
            return "app/" + self.arn.split(":loadbalancer/app/")[-1]
        return original(self, attribute_name)

    setattr(FakeLoadBalancer, "get_cfn_attribute", load_balancer_attribute)  # noqa: B010


def _updates_keep_resources_without_an_update() -> None:
    """moto's update of a type whose model has no update (AWS::KMS::Key, for one) replaces
    the resource with None, and every later Fn::GetAtt on it fails with "references undefined
    resource". Keep the resource as it was instead: its properties are not changed."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_update_resource

    def parse_and_update_resource(
        logical_id: str, resource_json: Any, resources_map: Any, *a: Any, **kw: Any
    ) -> Any:
        updated = original(logical_id, resource_json, resources_map, *a, **kw)
        if updated is None:
            return resources_map._parsed_resources.get(logical_id)
        return updated

    setattr(parsing, "parse_and_update_resource", parse_and_update_resource)  # noqa: B010


def _change_sets_finish_like_cloudformation() -> None:
    """moto's ExecuteChangeSet neither computes the stack's outputs (nor registers their
    exports) nor survives a failing resource (a 500 that leaves the stack *_IN_PROGRESS).
    Compute the outputs, and turn a failure into a FAILED event and a rolled-back status,
    as CloudFormation reports them."""
    from moto.cloudformation.models import CloudFormationBackend

    from appstack.local.fidelity.em2_shared import find_change_set

    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = find_change_set(self, change_set_name)
        if change_set is None:
            original(self, change_set_name, stack_name)
            return
        stack = self.stacks[change_set.stack_id]
        kind = change_set.change_set_type
        try:
            original(self, change_set_name, stack_name)
        except Exception as exc:
            stack._add_stack_event(f"{kind}_FAILED", resource_status_reason=str(exc))
            stack.status = "ROLLBACK_COMPLETE" if kind == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            stack._add_stack_event(stack.status)
            change_set.execution_status = "EXECUTE_FAILED"
            return
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        for export in stack.exports:  # as CreateStack registers them (DeleteStack drops them)
            self.exports[export.name] = export

    setattr(CloudFormationBackend, "execute_change_set", execute_change_set)  # noqa: B010


#: {{resolve:secretsmanager:<name or ARN>[:SecretString[:<json key>]]}}, as CloudFormation
#: writes a dynamic reference to a secret (version stage and id are not used here).
_SECRET_REFERENCE = re.compile(
    r"\{\{resolve:secretsmanager:"
    r"(?P<id>arn:[^:]+:secretsmanager:[^:]+:[^:]+:secret:[^:}]+|[^:}]+)"
    r"(?::SecretString(?::(?P<key>[^:}]*))?(?::[^:}]*){0,2})?\}\}"
)


def resolve_secret_references(value: Any, account_id: str, region_name: str) -> Any:
    """`value` with every dynamic reference to a secret replaced by the secret's value."""
    if isinstance(value, dict):
        return {k: resolve_secret_references(v, account_id, region_name) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_secret_references(v, account_id, region_name) for v in value]
    if not isinstance(value, str) or "{{resolve:secretsmanager:" not in value:
        return value

    from moto.secretsmanager.models import secretsmanager_backends

    backend: Any = secretsmanager_backends[account_id][region_name]

    def secret_value(match: re.Match[str]) -> str:
        secret = backend.get_secret_value(match["id"], None, None)
        text = str(secret.get("SecretString", ""))
        return str(json.loads(text)[match["key"]]) if match["key"] else text

    return _SECRET_REFERENCE.sub(secret_value, value)


def _dynamic_secret_references_resolved() -> None:
    """moto passes `{{resolve:secretsmanager:...}}` through as text, so a database would get
    that text as its password. Resolve them, as CloudFormation does, before a resource is
    created or updated."""
    from moto.cloudformation import parsing

    original = parsing.parse_resource

    def parse_resource(resource_json: Any, resources_map: Any) -> Any:
        parsed = original(resource_json, resources_map)
        if not parsed:
            return parsed
        resource_class, cleaned, resource_type = parsed
        if "{{resolve:secretsmanager:" in repr(cleaned.get("Properties", {})):
            cleaned = dict(cleaned)
            cleaned["Properties"] = resolve_secret_references(
                cleaned["Properties"], resources_map._account_id, resources_map._region_name
            )
        return resource_class, cleaned, resource_type

    setattr(parsing, "parse_resource", parse_resource)  # noqa: B010


def _ec2(account_id: str, region_name: str) -> Any:
    """The EC2 backend of an account and Region."""
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


def _delete_route_table(self: Any, account_id: str, region_name: str) -> None:
    backend = _ec2(account_id, region_name)
    if self.id in backend.route_tables:
        backend.delete_route_table(self.id)


def _delete_route(self: Any, account_id: str, region_name: str) -> None:
    self.route_table._routes.pop(self.id, None)


def _delete_association(self: Any, account_id: str, region_name: str) -> None:
    table = _ec2(account_id, region_name).route_tables.get(self.route_table_id)
    if table is not None:
        for association_id, subnet_id in list(table._associations.items()):
            if subnet_id == self.subnet_id:
                table._associations.pop(association_id)


def _delete_gateway_attachment(self: Any, account_id: str, region_name: str) -> None:
    backend = _ec2(account_id, region_name)
    igw = backend.internet_gateways.get(self.gateway_id or "")
    if igw is not None and igw.vpc is not None and igw.vpc.id == self.vpc_id:
        backend.detach_internet_gateway(igw.id, self.vpc_id)
    for vgw in backend.vpn_gateways.values():
        if vgw.attachments.get(self.vpc_id) is self:
            self.state = "detached"


def _delete_internet_gateway(self: Any, account_id: str, region_name: str) -> None:
    backend = _ec2(account_id, region_name)
    if self.id in backend.internet_gateways:
        backend.delete_internet_gateway(self.id)


def _delete_nat_gateway(self: Any, account_id: str, region_name: str) -> None:
    _ec2(account_id, region_name).delete_nat_gateway(self.id)


def _delete_vpn_gateway(self: Any, account_id: str, region_name: str) -> None:
    _ec2(account_id, region_name).delete_vpn_gateway(self.id)


def _delete_endpoint(self: Any, account_id: str, region_name: str) -> None:
    backend = _ec2(account_id, region_name)
    prefix = getattr(self, "destination_prefix_list_id", None)
    for table_id in self.route_table_ids or []:
        table = backend.route_tables.get(table_id)
        if table is not None and prefix:
            table._routes = {k: r for k, r in table._routes.items() if prefix not in k}
    self.route_table_ids = []
    backend.delete_vpc_endpoints([self.id])
    backend.vpc_end_points.pop(self.id, None)


def _delete_address(self: Any, account_id: str, region_name: str) -> None:
    backend = _ec2(account_id, region_name)
    if self in backend.addresses:
        backend.release_address(allocation_id=self.allocation_id)


def _delete_flow_log(self: Any, account_id: str, region_name: str) -> None:
    _ec2(account_id, region_name).flow_logs.pop(self.id, None)


def _network_resources_deleted_with_their_stack() -> None:
    """moto's route tables, routes, gateways, endpoints, addresses and flow logs have no
    delete: a stack's route tables stay in its VPC and deleting the VPC fails with
    DependencyViolation ("The vpc ... has dependencies"). Give each one the delete
    CloudFormation runs; each is quiet when the resource is gone already, and raises a
    DependencyViolation while something still uses it, so moto retries it later."""
    from moto.ec2.models.elastic_ip_addresses import ElasticAddress
    from moto.ec2.models.flow_logs import FlowLogs
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.subnets import SubnetRouteTableAssociation
    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment, VpnGateway

    for model, delete in (
        (RouteTable, _delete_route_table),
        (Route, _delete_route),
        (SubnetRouteTableAssociation, _delete_association),
        (VPCGatewayAttachment, _delete_gateway_attachment),
        (InternetGateway, _delete_internet_gateway),
        (NatGateway, _delete_nat_gateway),
        (VpnGateway, _delete_vpn_gateway),
        (VPCEndPoint, _delete_endpoint),
        (ElasticAddress, _delete_address),
        (FlowLogs, _delete_flow_log),
    ):
        setattr(model, "delete", delete)  # noqa: B010


def apply() -> None:
    """Apply every fix; the models package calls this once, on import."""
    _kms_tags_as_kms_api()
    _target_group_attributes()
    _updates_keep_resources_without_an_update()
    _change_sets_finish_like_cloudformation()
    _dynamic_secret_references_resolved()
    _network_resources_deleted_with_their_stack()
