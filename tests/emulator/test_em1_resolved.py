"""The emulator judges an update on what a template resolves to, as CloudFormation does.

Parameters and conditions are known when the change set is made; a create-only property
written another way that resolves to the same value is no replacement, and one whose
parameter changed is (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html;
aws/aws-cdk-cli#641, #1951). References to resources are known only during the update and
stay as written (aws-cloudformation/cloudformation-coverage-roadmap#290).
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity.em1_resolved import resolved
from appstack.local.fidelity.em102_replacement import replaces

VAULT = "AWS::Backup::BackupVault"
OLD = {
    "Parameters": {"ApplicationName": {"Type": "String", "Default": "myapp"}},
    "Resources": {
        "Vault": {
            "Type": VAULT,
            "Properties": {"BackupVaultName": {"Fn::Sub": "${ApplicationName}-dev-bkp"}},
        }
    },
}
NEW_NAME = {"Fn::Join": ["-", [{"Ref": "ApplicationName"}, {"Fn::GetAtt": ["Role", "RoleId"]}]]}


def new_template(deployed_name: str) -> dict[str, Any]:
    return {
        "Parameters": {
            "ApplicationName": {"Type": "String", "Default": "myapp"},
            "VaultDeployedName": {"Type": "String", "Default": deployed_name},
        },
        "Conditions": {
            "VaultIsDeployed": {"Fn::Not": [{"Fn::Equals": [{"Ref": "VaultDeployedName"}, ""]}]}
        },
        "Resources": {
            "Vault": {
                "Type": VAULT,
                "Properties": {
                    "BackupVaultName": {
                        "Fn::If": ["VaultIsDeployed", {"Ref": "VaultDeployedName"}, NEW_NAME]
                    }
                },
            }
        },
    }


def vault(template: dict[str, Any]) -> Any:
    return resolved(template, None, template["Resources"]["Vault"])


def test_the_same_name_written_another_way_is_no_replacement() -> None:
    assert vault(OLD) == vault(new_template("myapp-dev-bkp"))
    assert not replaces(VAULT, vault(OLD), vault(new_template("myapp-dev-bkp")))


def test_another_name_from_a_parameter_is_a_replacement() -> None:
    assert replaces(VAULT, vault(OLD), vault(new_template("other-bkp")))


def test_a_name_from_another_resource_stays_as_written() -> None:
    name = vault(new_template(""))["Properties"]["BackupVaultName"]
    assert name == {
        "Fn::Join": ["-", ["myapp", {"Fn::GetAtt": ["Role", "RoleId"]}]],
    }
    assert replaces(VAULT, vault(OLD), vault(new_template("")))


def test_given_parameter_values_come_before_defaults() -> None:
    template = new_template("")
    given = resolved(template, {"VaultDeployedName": "given"}, template["Resources"]["Vault"])
    assert given["Properties"]["BackupVaultName"] == "given"
