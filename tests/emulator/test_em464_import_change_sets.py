"""EM464: an IMPORT change set brings existing resources into a new stack with their physical
ids, their data untouched; what import refuses is refused
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.accounts import Account


def bucket_template(policy: str | None = "Retain") -> dict[str, Any]:
    bucket: dict[str, Any] = {"Type": "AWS::S3::Bucket"}
    if policy:
        bucket["DeletionPolicy"] = policy
    return {"Resources": {"Bucket": bucket}}


def to_import(name: str) -> list[dict[str, Any]]:
    return [
        {
            "ResourceType": "AWS::S3::Bucket",
            "LogicalResourceId": "Bucket",
            "ResourceIdentifier": {"BucketName": name},
        }
    ]


def importing(cfn: Any, stack: str, template: dict[str, Any], name: str) -> Any:
    return cfn.create_change_set(
        StackName=stack,
        ChangeSetName="import",
        ChangeSetType="IMPORT",
        TemplateBody=json.dumps(template),
        ResourcesToImport=to_import(name),
    )


def test_an_existing_bucket_is_imported_with_its_objects(emulator_endpoint: str) -> None:
    account = Account(emulator_endpoint)
    s3, cfn = account.client("s3"), account.client("cloudformation")
    s3.create_bucket(Bucket=f"kept-{account.id}")
    s3.put_object(Bucket=f"kept-{account.id}", Key="history", Body=b"recorded")
    importing(cfn, "adopted", bucket_template(), f"kept-{account.id}")
    described = cfn.describe_change_set(StackName="adopted", ChangeSetName="import")
    assert [c["ResourceChange"]["Action"] for c in described["Changes"]] == ["Import"]
    cfn.execute_change_set(StackName="adopted", ChangeSetName="import")
    [stack] = cfn.describe_stacks(StackName="adopted")["Stacks"]
    assert stack["StackStatus"] == "IMPORT_COMPLETE"
    [held] = cfn.list_stack_resources(StackName="adopted")["StackResourceSummaries"]
    assert held["PhysicalResourceId"] == f"kept-{account.id}"
    body = s3.get_object(Bucket=f"kept-{account.id}", Key="history")["Body"].read()
    assert body == b"recorded"
    # Held by a stack now: a second import of it is refused.
    with pytest.raises(ClientError, match="already exists in stack adopted"):
        importing(cfn, "again", bucket_template(), f"kept-{account.id}")


@pytest.mark.parametrize(
    ("template", "name", "words"),
    [
        (bucket_template(None), "exists", "must have DeletionPolicy"),
        (bucket_template(), "no-such-bucket", "do not exist"),
        (
            {"Resources": {**bucket_template()["Resources"], "New": {"Type": "AWS::SNS::Topic"}}},
            "exists",
            "cannot add new resources",
        ),
    ],
)
def test_what_import_refuses_is_refused(
    emulator_endpoint: str, template: dict[str, Any], name: str, words: str
) -> None:
    account = Account(emulator_endpoint)
    account.client("s3").create_bucket(Bucket=f"exists-{account.id}")
    real = f"exists-{account.id}" if name == "exists" else name
    with pytest.raises(ClientError, match=words):
        importing(account.client("cloudformation"), "refused", template, real)


def test_every_type_appstack_imports_supports_import_by_its_identifier() -> None:
    """Import needs the type's read and list handlers, and identifies a resource by its
    schema's primaryIdentifier (the registry schemas cfn-lint ships)."""
    from pathlib import Path

    import cfnlint

    from appstack.local.fidelity.em464_import_change_sets import importable

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    provider = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    for kind, identifier in importable().items():
        schema = json.loads((schemas / "resources" / f"{provider[kind]}.json").read_text())
        assert {"read", "list"} <= set(schema["handlers"]), kind
        assert schema["primaryIdentifier"] == [f"/properties/{identifier}"], kind
