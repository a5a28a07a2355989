"""EM411: an ECR repository gets its lifecycle policy, and a change of it (or of scanning,
tag mutability, tags) is made in place: same repository, same name, its images kept.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html
(LifecyclePolicy, ImageScanningConfiguration, ImageTagMutability, Tags: "Update requires: No
interruption"; RepositoryName and EncryptionConfiguration: Replacement). moto 5.2.5 drops the
lifecycle policy, and a change of it deletes the repository (its images with it, despite
UpdateReplacePolicy Retain) and creates one under a new name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, unique

REGION = "eu-north-1"


def repository(keep: int, scan: bool = True) -> dict[str, Any]:
    rule = {
        "rulePriority": 1,
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
        "action": {"type": "expire"},
    }
    return {
        "Resources": {
            "Repo": {
                "Type": "AWS::ECR::Repository",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "ImageTagMutability": "IMMUTABLE",
                    "ImageScanningConfiguration": {"ScanOnPush": scan},
                    "LifecyclePolicy": {"LifecyclePolicyText": json.dumps({"rules": [rule]})},
                },
            }
        }
    }


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


@pytest.fixture(scope="module")
def ecr(emulator_endpoint: str) -> Any:
    return client("ecr", emulator_endpoint, REGION)


def kept(ecr: Any, name: str) -> int:
    text = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    return int(json.loads(text)["rules"][0]["selection"]["countNumber"])


def test_a_repository_gets_its_lifecycle_policy(cfn: Any, ecr: Any) -> None:
    stack = unique("repo")
    assert deploy(cfn, stack, repository(30)) == "CREATE_COMPLETE"
    assert kept(ecr, physical_id(cfn, stack, "Repo")) == 30


def test_a_lifecycle_or_scanning_change_updates_the_repository_in_place(cfn: Any, ecr: Any) -> None:
    stack = unique("repo")
    assert deploy(cfn, stack, repository(30)) == "CREATE_COMPLETE"
    name = physical_id(cfn, stack, "Repo")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"digest": "sha256:" + "1" * 64, "size": 2}, "layers": []}  # fmt: skip
    ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag="v1")
    assert deploy(cfn, stack, repository(10, scan=False)) == "UPDATE_COMPLETE"
    assert physical_id(cfn, stack, "Repo") == name
    assert kept(ecr, name) == 10
    [found] = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert found["imageScanningConfiguration"] == {"scanOnPush": False}
    assert [i["imageTags"] for i in ecr.describe_images(repositoryName=name)["imageDetails"]] == [
        ["v1"]
    ]
