"""Reading a template: its resources by type, and what each value refers to.

Ref, Fn::GetAtt and Fn::Sub:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
"""

from __future__ import annotations

from appstack.template import literal_number, properties, ref_target, references, resources

TEMPLATE = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Key": {"Type": "AWS::KMS::Key", "Properties": {"Enabled": True}},
        "Queue": {"Type": "AWS::SQS::Queue"},
    }
}


def test_resources_are_all_of_them_or_those_of_the_types_asked() -> None:
    assert list(resources(TEMPLATE)) == ["Bucket", "Key", "Queue"]
    assert list(resources(TEMPLATE, "AWS::KMS::Key", "AWS::SQS::Queue")) == ["Key", "Queue"]
    assert resources({}, "AWS::S3::Bucket") == {}


def test_a_resource_without_properties_has_none() -> None:
    assert properties(TEMPLATE["Resources"]["Bucket"]) == {}
    assert properties(TEMPLATE["Resources"]["Key"]) == {"Enabled": True}


def test_ref_getatt_and_sub_are_references_wherever_they_nest() -> None:
    value = {
        "A": [{"Ref": "Bucket"}, {"Fn::GetAtt": ["Key", "Arn"]}],
        "B": {"Fn::GetAtt": "Queue.Arn"},
        "C": {"Fn::Join": ["", [{"Fn::Sub": "${Topic.Arn}/${Param}"}]]},
    }
    assert references(value) == {"Bucket", "Key", "Queue", "Topic", "Param"}


def test_pseudo_parameters_are_references_too() -> None:
    assert references({"Fn::Sub": "${AWS::StackName}-x"}) == {"AWS::StackName"}
    assert references({"Ref": "AWS::Region"}) == {"AWS::Region"}


def test_an_fn_sub_s_own_variables_and_escaped_names_are_not_references() -> None:
    value = {"Fn::Sub": ["${Name}-${!Literal}", {"Name": {"Ref": "Bucket"}}]}
    assert references(value) == {"Bucket"}


def test_ref_target_names_the_resource_a_ref_or_getatt_points_at() -> None:
    assert ref_target({"Ref": "Bucket"}) == "Bucket"
    assert ref_target({"Fn::GetAtt": ["Key", "Arn"]}) == "Key"
    assert ref_target({"Fn::GetAtt": "Queue.Arn"}) == "Queue"
    assert ref_target("literal") is None


def test_a_number_written_in_a_template_is_read_and_an_intrinsic_is_not() -> None:
    assert literal_number(2, 0) == 2.0
    assert literal_number("512", 0) == 512.0
    assert literal_number({"Ref": "Count"}, 3) == 3.0
    assert literal_number(True, 1) == 1.0  # a boolean is not a count
    assert literal_number("many", 4) == 4.0
