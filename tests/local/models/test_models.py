"""The emulator knows every resource type appstack emits (through moto or our models)."""

from __future__ import annotations

import pytest

from appstack import config, phases
from appstack.local import models
from appstack.local.models import PLACEHOLDER_TYPES
from conftest import synth

#: Types phases 2-4 emit; each must deploy on the emulator once its capability exists.
LATER_PHASE_TYPES = (
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBSubnetGroup",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::Config::ConfigRule",
    "AWS::CloudTrail::Trail",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::Backup::BackupVault",
    "AWS::Backup::BackupPlan",
    "AWS::Backup::BackupSelection",
    "AWS::EC2::VPNGateway",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::VPNConnection",
    "AWS::EC2::VPNConnectionRoute",
    "AWS::EC2::VPNGatewayRoutePropagation",
    "AWS::XRay::SamplingRule",
    "AWS::ApplicationInsights::Application",
    "AWS::ResourceGroups::Group",
)


def known_types() -> set[str]:
    from moto.cloudformation.parsing import get_model_map

    assert models.PLACEHOLDERS  # our models are imported before the map is read
    return set(get_model_map())


def buildable() -> list[tuple[str, int]]:
    app = config.load(None)
    return [(env, phase) for env in app.environments for phase in phases.PHASES]


@pytest.mark.parametrize(("env", "phase"), buildable())
def test_every_type_of_a_buildable_template_has_an_emulator_model(env: str, phase: int) -> None:
    vpn = {"environments": {env: {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    types = {r["Type"] for r in synth(vpn, env=env, phase=phase)["Resources"].values()}
    assert types - known_types() == set()


@pytest.mark.parametrize("type_name", LATER_PHASE_TYPES)
def test_every_later_phase_type_has_an_emulator_model(type_name: str) -> None:
    assert type_name in known_types()


def test_placeholders_are_only_types_moto_does_not_model_itself() -> None:
    from moto.core.common_models import CloudFormationModel

    ours = set(models.PLACEHOLDERS.values())
    moto_types = {
        m.cloudformation_type() for m in CloudFormationModel.__subclasses__() if m not in ours
    }
    assert moto_types & set(PLACEHOLDER_TYPES) == set()


@pytest.mark.parametrize(("env", "phase"), buildable())
def test_no_template_blueprint_emits_needs_a_transform(env: str, phase: int) -> None:
    # RDS rotates the database password itself; the rotation transform (dropped on the
    # emulator) only matters for stacks deployed by earlier versions.
    vpn = {"environments": {env: {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
    assert "Transform" not in synth(vpn, env=env, phase=phase)


def test_a_changed_key_policy_keeps_the_key_for_what_reads_its_arn(emulator_endpoint: str) -> None:
    """moto has no update for AWS::KMS::Key; without appstack's fix the key became None and
    every Fn::GetAtt on it failed ("references undefined resource")."""
    import json

    import boto3

    def template(sid: str) -> str:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
        return json.dumps(
            {
                "Resources": {
                    "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": policy}},
                    "Logs": {
                        "Type": "AWS::Logs::LogGroup",
                        "Properties": {
                            "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
                            "RetentionInDays": 7 if sid == "first" else 14,
                        },
                    },
                }
            }
        )

    cfn = boto3.client("cloudformation", region_name="us-east-1", endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="key-update", TemplateBody=template("first"))
    cfn.update_stack(StackName="key-update", TemplateBody=template("second"))
    stack = cfn.describe_stacks(StackName="key-update")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"


#: Types whose service moto 5.2.5 has: each must be created there, not only recorded.
IN_MOTO_BACKENDS = (
    "AWS::RDS::DBCluster",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::Config::ConfigRule",
    "AWS::CloudTrail::Trail",
    "AWS::Backup::BackupVault",
    "AWS::Backup::BackupPlan",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::VPNConnection",
    "AWS::CloudWatch::Alarm",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::ResourceGroups::Group",
)


@pytest.mark.parametrize("type_name", IN_MOTO_BACKENDS)
def test_a_type_with_a_moto_backend_is_created_there(type_name: str) -> None:
    from moto.cloudformation.parsing import get_model_map

    assert get_model_map()[type_name] not in set(models.PLACEHOLDERS.values())


@pytest.mark.parametrize("type_name", IN_MOTO_BACKENDS)
def test_a_type_with_a_moto_backend_is_not_listed_as_recorded(type_name: str) -> None:
    assert type_name not in PLACEHOLDER_TYPES


def test_an_update_that_removes_a_retained_secret_keeps_it(emulator_endpoint: str) -> None:
    """moto deleted whatever an update removed, DeletionPolicy or not."""
    import json

    import boto3

    secret = {
        "Type": "AWS::SecretsManager::Secret",
        "DeletionPolicy": "Retain",
        "Properties": {"Name": "kept-on-update", "SecretString": "s3cret"},
    }
    topic = {"Type": "AWS::SNS::Topic"}
    cfn = boto3.client("cloudformation", region_name="us-east-1", endpoint_url=emulator_endpoint)
    body = {"Resources": {"Secret": secret, "Topic": topic}}
    cfn.create_stack(StackName="retain-update", TemplateBody=json.dumps(body))
    cfn.update_stack(
        StackName="retain-update", TemplateBody=json.dumps({"Resources": {"Topic": topic}})
    )
    secrets = boto3.client(
        "secretsmanager", region_name="us-east-1", endpoint_url=emulator_endpoint
    )
    assert secrets.get_secret_value(SecretId="kept-on-update")["SecretString"] == "s3cret"


def test_tags_are_read_as_a_map_from_a_key_value_list_or_from_a_map() -> None:
    from appstack.local.models._base import tag_dict

    assert tag_dict({"Tags": [{"Key": "app", "Value": 1}]}) == {"app": "1"}
    assert tag_dict({"BackupVaultTags": {"app": 1}}, "BackupVaultTags") == {"app": "1"}
    assert tag_dict({}) == {}


def test_a_model_moto_could_not_find_is_refused_when_declared() -> None:
    from appstack.local.models._base import BackendModel, model

    class Unregistered(BackendModel):
        pass

    with pytest.raises(TypeError, match="CloudFormationModel"):
        model("AWS::Example::Thing")(Unregistered)


def test_a_declared_model_is_the_one_moto_maps_its_type_to() -> None:
    from moto.cloudformation.parsing import get_model_map

    cache = "AWS::ElastiCache::ReplicationGroup"
    assert get_model_map()[cache] is models.CacheReplicationGroup
    assert models.CacheReplicationGroup.cloudformation_type() == cache
