"""The ECR repository the stack owns, and the image parameter of the application's task."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from appstack.blueprint import registry
from appstack.data import stateful
from conftest import Template, of_type, props


def _repository(template: Template) -> dict[str, Any]:
    (repository,) = of_type(template, "AWS::ECR::Repository").values()
    return repository


def test_every_phase_has_one_repository(build_template: Callable[..., Template]) -> None:
    for phase in (1, 2):
        assert len(of_type(build_template("dev", phase), "AWS::ECR::Repository")) == 1


def test_repository_images_survive_a_phase_change_and_a_destroy(dev: Template) -> None:
    repository = _repository(dev)
    assert repository["DeletionPolicy"] == "Retain"
    assert repository["UpdateReplacePolicy"] == "Retain"
    assert repository["Properties"]["EmptyOnDelete"] is False
    # The data-loss guard reads the stateful table: the repository is in it.
    assert stateful.holds_data("AWS::ECR::Repository", repository)
    assert stateful.keeps_data(repository, "DeletionPolicy")


def test_repository_has_no_fixed_name_so_it_can_come_back(dev: Template) -> None:
    assert "RepositoryName" not in _repository(dev)["Properties"]


def test_repository_scans_on_push_and_never_moves_a_tag(dev: Template) -> None:
    properties = _repository(dev)["Properties"]
    assert properties["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert properties["ImageTagMutability"] == "IMMUTABLE"


def test_repository_is_encrypted_with_the_environment_key(dev: Template) -> None:
    encryption = _repository(dev)["Properties"]["EncryptionConfiguration"]
    assert encryption == {
        "EncryptionType": "KMS",
        "KmsKey": {"Fn::GetAtt": ["EncryptionKey", "Arn"]},
    }


def test_repository_keeps_the_last_n_images_of_the_setting(
    build_template: Callable[..., Template],
) -> None:
    template = build_template("dev", 1, {"environments": {"dev": {"keep_images": 7}}})
    text = _repository(template)["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]
    (rule,) = json.loads(text)["rules"]
    assert rule["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 7,
    }
    assert rule["action"] == {"type": "expire"}


def test_the_task_runs_the_image_parameter_whose_default_is_the_config_image(
    build_template: Callable[..., Template],
) -> None:
    template = build_template("dev", 1, {"image": "registry.example.com/app:1"})
    parameter = template["Parameters"][registry.IMAGE_PARAMETER]
    assert parameter["Default"] == "registry.example.com/app:1"
    (task,) = of_type(template, "AWS::ECS::TaskDefinition")
    app = props(template, task)["ContainerDefinitions"][0]
    assert app["Image"] == {"Ref": registry.IMAGE_PARAMETER}


def test_the_repository_uri_is_an_output(dev: Template) -> None:
    output = dev["Outputs"][registry.REPOSITORY_OUTPUT]
    assert output["Value"] == {"Fn::GetAtt": ["ImageRepository", "RepositoryUri"]}
