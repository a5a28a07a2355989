"""EM109: a property that names something that does not exist fails the resource.

On AWS a resource whose property names a security group, subnet, VPC, route table, gateway,
Elastic IP allocation, KMS key, SNS topic, log group, target group, load balancer, bucket or
subnet group that does not exist (never made, deleted outside the stack, or of another
Region) fails with the checking service's error, and the stack rolls back; so does an update
that sets such a reference. moto 5.2.5 stores most of these ids as given. Which property
must name what, and the error each answers, is a declared table (`data/references.json`,
each row with its AWS document); this rule checks the resolved properties of every modelled
resource against it when the resource is created or updated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from appstack.data import load
from appstack.local.fidelity import rule
from appstack.local.fidelity.em106_missing_role import role_exists

SOURCE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"


def table() -> dict[str, Any]:
    """The declared table: `kinds`, `properties`, `not_checked`."""
    return load("references")


def _arn_place(value: str, account_id: str, region: str) -> tuple[str, str]:
    """The account and Region an ARN names (the caller's for a plain id or name)."""
    parts = value.split(":")
    if value.startswith("arn:") and len(parts) >= 5:
        return parts[4] or account_id, parts[3] or region
    return account_id, region


def _ec2(account_id: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def _subnet(account_id: str, region: str, value: str) -> bool:
    return any(value in subnets for subnets in _ec2(account_id, region).subnets.values())


def _security_group(account_id: str, region: str, value: str) -> bool:
    return _ec2(account_id, region).get_security_group_from_id(value) is not None


def _in(attribute: str) -> Callable[[str, str, str], bool]:
    def found(account_id: str, region: str, value: str) -> bool:
        return value in getattr(_ec2(account_id, region), attribute)

    return found


def _gateway(account_id: str, region: str, value: str) -> bool:
    backend = _ec2(account_id, region)
    return value == "local" or value in backend.internet_gateways or value in backend.vpn_gateways


def _allocation(account_id: str, region: str, value: str) -> bool:
    return any(a.allocation_id == value for a in _ec2(account_id, region).addresses)


def _kms_key(account_id: str, region: str, value: str) -> bool:
    from moto.kms.models import kms_backends

    if "alias/aws/" in value:  # AWS managed keys are made by the services when first used
        return True
    account_id, region = _arn_place(value, account_id, region)
    try:
        kms_backends[account_id][region].describe_key(value)
    except Exception:
        return False
    return True


def _topic(account_id: str, region: str, value: str) -> bool:
    from moto.sns.models import sns_backends

    account_id, region = _arn_place(value, account_id, region)
    return value in sns_backends[account_id][region].topics


def _log_group_arn(account_id: str, region: str, value: str) -> bool:
    from moto.logs.models import logs_backends

    account_id, region = _arn_place(value, account_id, region)
    name = value.split(":log-group:", 1)[-1].removesuffix(":*")
    return name in logs_backends[account_id][region].groups


def _target_group(account_id: str, region: str, value: str) -> bool:
    from moto.elbv2.models import elbv2_backends

    account_id, region = _arn_place(value, account_id, region)
    return value in elbv2_backends[account_id][region].target_groups


def _load_balancer(account_id: str, region: str, value: str) -> bool:
    from moto.elbv2.models import elbv2_backends

    account_id, region = _arn_place(value, account_id, region)
    return value in elbv2_backends[account_id][region].load_balancers


def _bucket(account_id: str, region: str, value: str) -> bool:
    from moto.s3.models import s3_backends

    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return value.split(":::")[-1] in s3_backends[account_id][partition].buckets


def _rds_subnet_group(account_id: str, region: str, value: str) -> bool:
    from moto.rds.models import rds_backends

    return value.lower() in {g.lower() for g in rds_backends[account_id][region].subnet_groups}


def _cache_subnet_group(account_id: str, region: str, value: str) -> bool:
    from moto.elasticache.models import elasticache_backends

    return value in elasticache_backends[account_id][region].cache_subnet_groups


#: How to find each kind of thing a property may name: (account, Region, value) -> exists.
EXISTS: dict[str, Callable[[str, str, str], bool]] = {
    "ec2:vpc": _in("vpcs"),
    "ec2:subnet": _subnet,
    "ec2:security-group": _security_group,
    "ec2:route-table": _in("route_tables"),
    "ec2:internet-gateway": _in("internet_gateways"),
    "ec2:gateway": _gateway,
    "ec2:nat-gateway": _in("nat_gateways"),
    "ec2:vpn-gateway": _in("vpn_gateways"),
    "ec2:customer-gateway": _in("customer_gateways"),
    "ec2:eip-allocation": _allocation,
    "kms:key": _kms_key,
    "sns:topic": _topic,
    "logs:log-group-arn": _log_group_arn,
    "elbv2:target-group": _target_group,
    "elbv2:load-balancer": _load_balancer,
    "s3:bucket": _bucket,
    "rds:subnet-group": _rds_subnet_group,
    "elasticache:subnet-group": _cache_subnet_group,
    "iam:role": lambda account_id, region, value: role_exists(account_id, value),
}


def _values(value: Any, path: list[str]) -> Iterator[Any]:
    """The values at `path` ('*': every item of a list)."""
    if not path:
        yield value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in value if isinstance(value, list) else []:
            yield from _values(item, rest)
    elif isinstance(value, dict) and head in value:
        yield from _values(value[head], rest)


def rows(resource_type: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(property path, what it names and the error) of each row of one type."""
    declared = table()
    for path, row in declared["properties"].get(resource_type, {}).items():
        entry = {"names": row} if isinstance(row, str) else dict(row)
        yield path, {**declared["kinds"][entry["names"]], **entry}


class ReferenceNotFound(Exception):
    """A property names something that does not exist; the service's error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.error_type = code
        self.code = code
        self.message = message


def missing(
    resource_type: str, properties: dict[str, Any], account_id: str, region: str
) -> ReferenceNotFound | None:
    """The error of the first property (in table order) that names what does not exist."""
    for path, row in rows(resource_type):
        for value in _values(properties, path.split("/")):
            if (
                isinstance(value, str)
                and value
                and not EXISTS[row["names"]](account_id, region, value)
            ):
                return ReferenceNotFound(row["error"], row["message"].format(id=value))
    return None


@rule("EM109", "A property that names something that does not exist fails the resource", SOURCE)
def install() -> None:
    from moto.cloudformation import parsing

    original = parsing.parse_resource

    def parse_resource(resource_json: dict[str, Any], resources_map: Any) -> Any:
        """Check the declared properties as resolved, then parse as moto does (a type moto
        has no model for is checked too: it is created as a placeholder after this)."""
        resource_type = resource_json.get("Type", "")
        declared = {path.split("/")[0] for path, _ in rows(resource_type)}
        given = resource_json.get("Properties") or {}
        if declared & set(given):
            try:
                resolved = parsing.clean_json(
                    {k: v for k, v in given.items() if k in declared}, resources_map
                )
            except Exception:  # what moto cannot resolve it reports itself
                resolved = None
            if isinstance(resolved, dict):
                error = missing(
                    resource_type,
                    resolved,
                    resources_map._account_id,
                    resources_map._region_name,
                )
                if error is not None:
                    raise error
        return original(resource_json, resources_map)

    setattr(parsing, "parse_resource", parse_resource)  # noqa: B010
