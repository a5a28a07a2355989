"""A kept resource keeps the name it has in the deployed stack: Fn::If over a parameter the
deploy fills, declared in the template's Metadata."""

from __future__ import annotations

import re

from troposphere import Template as Blueprint

from appstack.blueprint import deployed_names
from appstack.template import Template
from appstack.template import deployed_names as declared


def kept_vault() -> Template:
    blueprint = Blueprint()
    name = deployed_names.keep(blueprint, "Vault", "app-dev-vault-new")
    template: Template = blueprint.to_dict()
    template["Resources"] = {"Vault": {"Type": "AWS::Backup::BackupVault", "Name": name.to_dict()}}
    return template


def test_the_name_is_the_deployed_one_when_the_deploy_supplies_it_else_the_new_one() -> None:
    template = kept_vault()
    name = template["Resources"]["Vault"]["Name"]
    assert name == {
        "Fn::If": ["VaultIsDeployed", {"Ref": "VaultDeployedName"}, "app-dev-vault-new"]
    }
    assert template["Conditions"]["VaultIsDeployed"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "VaultDeployedName"}, ""]}]
    }
    assert template["Parameters"]["VaultDeployedName"]["Default"] == ""


def test_the_template_declares_which_parameter_holds_which_name() -> None:
    # The template walker reads the declaration back, for the deploy and rule AS007.
    assert declared(kept_vault()) == {"VaultDeployedName": "Vault"}
    assert deployed_names.parameter_of("Vault") == "VaultDeployedName"


def test_a_template_without_the_declaration_declares_nothing() -> None:
    assert declared({}) == {}
    assert declared({"Metadata": {"appstack": "not a mapping"}}) == {}
    assert declared({"Metadata": {"appstack": {"DeployedNames": []}}}) == {}


def test_the_parameter_takes_a_resource_name_or_nothing_and_refuses_other_text() -> None:
    pattern = kept_vault()["Parameters"]["VaultDeployedName"]["AllowedPattern"]
    assert re.fullmatch(pattern, "") and re.fullmatch(pattern, "app-dev-vault-1a2b3c")
    assert not re.fullmatch(pattern, "a name; with spaces")
    assert not re.fullmatch(pattern, "x" * 256)
