"""EM102: a change to a create-only property replaces the resource.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
(Replacement), https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
(what the change set says), https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html#cfn-dynamodb-table-keyschema
(KeySchema: Update requires Replacement) and
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html
(a custom-named resource cannot be replaced).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, events, physical_id, table, topic, unique

REGION = "sa-east-1"
ID_KEY = [{"AttributeName": "id", "KeyType": "HASH"}]


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def dynamodb(emulator_endpoint: str) -> Any:
    return client("dynamodb", emulator_endpoint, REGION)


def keyed_on_id(template: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(template)
    changed["Resources"]["Table"]["Properties"]["KeySchema"] = ID_KEY
    return changed


def change_of(cfn: Any, stack: str, template: dict[str, Any]) -> dict[str, Any]:
    name = unique("cs")
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
    )
    changes = cfn.describe_change_set(StackName=stack, ChangeSetName=name)["Changes"]
    cfn.delete_change_set(StackName=stack, ChangeSetName=name)
    found: dict[str, Any] = next(
        c["ResourceChange"] for c in changes if c["ResourceChange"]["LogicalResourceId"] == "Table"
    )
    return found


def test_a_key_schema_change_is_shown_as_a_replacement(cfn: Any) -> None:
    stack = unique("shown")
    template = {"Resources": {"Table": table()}}
    deploy(cfn, stack, template)
    change = change_of(cfn, stack, keyed_on_id(template))
    assert change["Action"] == "Modify"
    assert change["Replacement"] == "True"
    assert change["Details"] == [
        {
            "Target": {
                "Attribute": "Properties",
                "Name": "KeySchema",
                "RequiresRecreation": "Always",
            },
            "Evaluation": "Static",
            "ChangeSource": "DirectModification",
        }
    ]


def test_a_change_the_table_takes_in_place_is_not_a_replacement(cfn: Any) -> None:
    stack = unique("inplace")
    template = {"Resources": {"Table": table()}}
    deploy(cfn, stack, template)
    changed = copy.deepcopy(template)
    changed["Resources"]["Table"]["Properties"]["DeletionProtectionEnabled"] = True
    change = change_of(cfn, stack, changed)
    assert change["Replacement"] == "False"
    assert change["Details"][0]["Target"]["RequiresRecreation"] == "Never"


def test_a_key_schema_change_replaces_the_table_and_deletes_the_old_one(
    cfn: Any, dynamodb: Any
) -> None:
    stack = unique("replaced")
    template = {"Resources": {"Table": table()}}
    deploy(cfn, stack, template)
    old = physical_id(cfn, stack, "Table")
    assert deploy(cfn, stack, keyed_on_id(template)) == "UPDATE_COMPLETE"
    new = physical_id(cfn, stack, "Table")
    assert new != old
    assert dynamodb.describe_table(TableName=new)["Table"]["KeySchema"] == ID_KEY
    assert old not in dynamodb.list_tables()["TableNames"]


def test_update_replace_policy_retain_keeps_the_old_table(cfn: Any, dynamodb: Any) -> None:
    stack = unique("retained")
    template = {"Resources": {"Table": {**table(), "UpdateReplacePolicy": "Retain"}}}
    deploy(cfn, stack, template)
    old = physical_id(cfn, stack, "Table")
    assert deploy(cfn, stack, keyed_on_id(template)) == "UPDATE_COMPLETE"
    assert old in dynamodb.list_tables()["TableNames"]
    assert physical_id(cfn, stack, "Table") != old


def test_a_custom_named_table_that_needs_replacement_fails_the_update(
    cfn: Any, dynamodb: Any
) -> None:
    stack, name = unique("custom"), unique("fixed-name")
    template = {"Resources": {"Topic": topic(), "Table": table(name)}}
    deploy(cfn, stack, template)
    assert deploy(cfn, stack, keyed_on_id(template)) == "UPDATE_ROLLBACK_COMPLETE"
    failed = events(cfn, stack, "UPDATE_FAILED")
    assert failed[0]["LogicalResourceId"] == "Table"
    assert failed[0]["ResourceStatusReason"] == (
        "CloudFormation cannot update a stack when a custom-named resource requires "
        f"replacing. Rename {name} and update the stack again."
    )
    key = dynamodb.describe_table(TableName=name)["Table"]["KeySchema"]
    assert key == [{"AttributeName": "pk", "KeyType": "HASH"}]


def network(cidr: str) -> dict[str, Any]:
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "web", "VpcId": {"Ref": "Vpc"}},
            },
        }
    }


def test_what_refers_to_a_replaced_resource_by_a_create_only_property_is_replaced_too(
    cfn: Any, emulator_endpoint: str
) -> None:
    """The change set says Conditional (Evaluation Dynamic, ChangeSource ResourceReference),
    and the update moves the security group into the new VPC."""
    ec2 = client("ec2", emulator_endpoint, REGION)
    stack = unique("cascade")
    deploy(cfn, stack, network("10.0.0.0/16"))
    old_vpc, old_group = physical_id(cfn, stack, "Vpc"), physical_id(cfn, stack, "Group")
    name = unique("cs")
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(network("10.1.0.0/16")),
    )
    changes = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
        for c in cfn.describe_change_set(StackName=stack, ChangeSetName=name)["Changes"]
    }
    assert changes["Vpc"]["Replacement"] == "True"
    assert changes["Group"]["Replacement"] == "Conditional"
    assert changes["Group"]["Details"] == [
        {
            "Target": {"Attribute": "Properties", "Name": "VpcId", "RequiresRecreation": "Always"},
            "Evaluation": "Dynamic",
            "ChangeSource": "ResourceReference",
            "CausingEntity": "Vpc",
        }
    ]
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    new_vpc, new_group = physical_id(cfn, stack, "Vpc"), physical_id(cfn, stack, "Group")
    assert (new_vpc, new_group) != (old_vpc, old_group)
    group = ec2.describe_security_groups(GroupIds=[new_group])["SecurityGroups"][0]
    assert group["VpcId"] == new_vpc
    assert old_vpc not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]


# A replacement caused by a changed parameter value, the template text unchanged: the change
# set compares the properties as resolved with the old and the new values
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html:
# ChangeSource ParameterReference, CausingEntity the parameter's name).

KEYED_BY_PARAMETER: dict[str, Any] = {
    "Parameters": {
        "Key": {"Type": "String", "Default": "pk"},
        "Title": {"Type": "String", "Default": "alarms"},
    },
    "Resources": {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": {"Ref": "Key"}, "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": {"Ref": "Key"}, "KeyType": "HASH"}],
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Ref": "Title"}}},
    },
}


def deploy_with(cfn: Any, stack: str, template: dict[str, Any], **parameters: str) -> str:
    """Create or update `stack` with these parameter values; the change set's name."""
    try:
        cfn.describe_stacks(StackName=stack)
        kind = "UPDATE"
    except cfn.exceptions.ClientError:
        kind = "CREATE"
    name = unique("cs")
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )
    return name


def changes_of(cfn: Any, stack: str, change_set: str) -> dict[str, Any]:
    return {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
        for c in cfn.describe_change_set(StackName=stack, ChangeSetName=change_set)["Changes"]
    }


def test_a_key_changed_only_by_a_parameter_value_is_shown_as_a_replacement(cfn: Any) -> None:
    stack = unique("keyparam")
    cfn.execute_change_set(
        StackName=stack, ChangeSetName=deploy_with(cfn, stack, KEYED_BY_PARAMETER)
    )
    change = changes_of(cfn, stack, deploy_with(cfn, stack, KEYED_BY_PARAMETER, Key="id"))
    assert set(change) == {"Table"}
    assert change["Table"]["Action"] == "Modify"
    assert change["Table"]["Replacement"] == "True"
    assert {
        "Target": {"Attribute": "Properties", "Name": "KeySchema", "RequiresRecreation": "Always"},
        "Evaluation": "Static",
        "ChangeSource": "ParameterReference",
        "CausingEntity": "Key",
    } in change["Table"]["Details"]


def test_a_key_changed_only_by_a_parameter_value_replaces_the_table(
    cfn: Any, dynamodb: Any
) -> None:
    stack = unique("keyparamrun")
    cfn.execute_change_set(
        StackName=stack, ChangeSetName=deploy_with(cfn, stack, KEYED_BY_PARAMETER)
    )
    old = physical_id(cfn, stack, "Table")
    name = deploy_with(cfn, stack, KEYED_BY_PARAMETER, Key="id")
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    new = physical_id(cfn, stack, "Table")
    assert new != old
    assert dynamodb.describe_table(TableName=new)["Table"]["KeySchema"] == ID_KEY
    assert old not in dynamodb.list_tables()["TableNames"]


def test_a_parameter_value_feeding_a_property_updated_in_place_is_a_modification(
    cfn: Any,
) -> None:
    stack = unique("titleparam")
    cfn.execute_change_set(
        StackName=stack, ChangeSetName=deploy_with(cfn, stack, KEYED_BY_PARAMETER)
    )
    change = changes_of(cfn, stack, deploy_with(cfn, stack, KEYED_BY_PARAMETER, Title="pager"))
    assert set(change) == {"Topic"}
    assert change["Topic"]["Replacement"] == "False"
    assert change["Topic"]["Details"] == [
        {
            "Target": {
                "Attribute": "Properties",
                "Name": "DisplayName",
                "RequiresRecreation": "Never",
            },
            "Evaluation": "Static",
            "ChangeSource": "ParameterReference",
            "CausingEntity": "Title",
        }
    ]


RANGE_BY_ENVIRONMENT: dict[str, Any] = {
    "Parameters": {"Environment": {"Type": "String", "Default": "dev"}},
    "Mappings": {
        "Ranges": {
            "dev": {"Cidr": "10.10.0.0/16"},
            "test": {"Cidr": "10.10.0.0/16"},
            "prod": {"Cidr": "10.30.0.0/16"},
        }
    },
    "Resources": {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {
                "CidrBlock": {"Fn::FindInMap": ["Ranges", {"Ref": "Environment"}, "Cidr"]}
            },
        }
    },
}


def test_a_parameter_that_picks_another_mapping_value_replaces_the_vpc(cfn: Any) -> None:
    """CidrBlock is create-only (aws-resource-ec2-vpc.html: Update requires Replacement)."""
    stack = unique("rangeparam")
    cfn.execute_change_set(
        StackName=stack, ChangeSetName=deploy_with(cfn, stack, RANGE_BY_ENVIRONMENT)
    )
    same = changes_of(cfn, stack, deploy_with(cfn, stack, RANGE_BY_ENVIRONMENT, Environment="test"))
    assert same.get("Vpc", {}).get("Replacement") != "True"
    other = changes_of(
        cfn, stack, deploy_with(cfn, stack, RANGE_BY_ENVIRONMENT, Environment="prod")
    )
    assert other["Vpc"]["Replacement"] == "True"


def test_a_key_changed_only_by_a_parameter_default_replaces_the_table(
    cfn: Any, dynamodb: Any
) -> None:
    """No Parameters given: each parameter takes the template's Default
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html),
    so a new Default is a new value, as appstack sets its image and kept names."""
    stack = unique("keydefault")
    assert deploy(cfn, stack, KEYED_BY_PARAMETER) == "CREATE_COMPLETE"
    old = physical_id(cfn, stack, "Table")
    by_id = copy.deepcopy(KEYED_BY_PARAMETER)
    by_id["Parameters"]["Key"]["Default"] = "id"
    assert deploy(cfn, stack, by_id) == "UPDATE_COMPLETE"
    new = physical_id(cfn, stack, "Table")
    assert new != old
    assert dynamodb.describe_table(TableName=new)["Table"]["KeySchema"] == ID_KEY
