"""EM105: an update of a DynamoDB table changes the table in place.

Deletion protection, billing mode, throughput and point-in-time recovery change without
replacing the table ("Update requires: No interruption"), so a template that turns
`DeletionProtectionEnabled` on protects the existing table from then on. moto 5.2.5 has no
update for AWS::DynamoDB::Table: its tables keep the properties they were created with.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-resource-dynamodb-table.html"
)


@rule("EM105", "A DynamoDB table update applies the changed properties", SOURCE)
def install() -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table

    def update(
        cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
        account_id: str, region_name: str,
    ) -> Any:  # fmt: skip
        p = cloudformation_json.get("Properties") or {}
        backend: Any = dynamodb_backends[account_id][region_name]
        backend.update_table(
            name=original_resource.name,
            attr_definitions=p.get("AttributeDefinitions"),
            global_index=[],
            throughput=p.get("ProvisionedThroughput"),
            billing_mode=p.get("BillingMode", "PROVISIONED"),
            stream_spec=None,
            deletion_protection_enabled=bool(p.get("DeletionProtectionEnabled", False)),
            warm_throughput=None,
        )
        recovery = p.get("PointInTimeRecoverySpecification")
        if recovery is not None:
            backend.update_continuous_backups(
                original_resource.name,
                {"PointInTimeRecoveryEnabled": bool(recovery.get("PointInTimeRecoveryEnabled"))},
            )
        return original_resource

    setattr(Table, "update_from_cloudformation_json", classmethod(update))  # noqa: B010
