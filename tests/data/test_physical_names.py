"""The name property of each CloudFormation type, in one table (data/physical_names.json):
rule AS007 reads it, and so do the emulator's models, which tell moto which property names
the resource (Resource custom naming:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).
"""

from __future__ import annotations

from moto.core.common_models import CloudFormationModel

from appstack.data.physical_names import name_properties, name_property
from appstack.local import models


def test_a_type_is_named_by_the_property_its_resource_reference_gives() -> None:
    assert name_property("AWS::Config::ConfigRule") == "ConfigRuleName"
    assert name_property("AWS::ElastiCache::SubnetGroup") == "CacheSubnetGroupName"


def test_a_type_whose_name_cloudformation_always_generates_has_no_name_property() -> None:
    assert name_property("AWS::EC2::CustomerGateway") == ""


def test_every_emulator_model_names_its_resources_from_the_table() -> None:
    ours = [
        m for m in CloudFormationModel.__subclasses__() if m.__module__.startswith(models.__name__)
    ]
    assert len(ours) > 20
    for model in ours:
        expected = name_properties().get(model.cloudformation_type(), "")
        assert model.cloudformation_name_type() == expected, model.__name__
