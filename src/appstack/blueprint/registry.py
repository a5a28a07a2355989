"""Registry: the ECR repository the stack owns, which `--build` pushes the application's
images to, and the image the application's task runs.

The repository scans each image on push, refuses to move a tag (IMMUTABLE: a tag names one
build for good), expires all but the last `keep_images` images, and is encrypted with the
environment's key. Its images are kept like the table's items: Retain on delete and on
replace, and never emptied by CloudFormation (EmptyOnDelete false). It has no fixed name:
CloudFormation generates one with each creation, so a repository kept by a phase change or a
destroy never blocks the next creation (rule AS007), as for the table.

The task's image is the template parameter `AppImage`, Default the config's `image`; a deploy
with `--build` sets it to the pushed digest (`repository@sha256:...`, `deploy.images`), so
what runs is exactly what was built.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import GetAtt, Parameter, Ref
from troposphere.ecr import (
    EncryptionConfiguration,
    ImageScanningConfiguration,
    LifecyclePolicy,
    Repository,
)
from troposphere.kms import Key

from appstack.blueprint.draft import RETAIN, Draft

#: The template parameter that holds the image the application's task runs.
IMAGE_PARAMETER = "AppImage"
#: The output that names the repository's URI (where `--build` pushes).
REPOSITORY_OUTPUT = "ImageRepositoryUri"


def lifecycle_policy(keep_images: int) -> str:
    """Expire every image but the newest `keep_images`, tagged or not ("imageCountMoreThan",
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html)."""
    rule = {
        "rulePriority": 1,
        "description": f"keep the last {keep_images} images",
        "selection": {
            "tagStatus": "any",
            "countType": "imageCountMoreThan",
            "countNumber": keep_images,
        },
        "action": {"type": "expire"},
    }
    return json.dumps({"rules": [rule]}, sort_keys=True)


def build(draft: Draft, key: Key) -> Repository:
    """The repository (kept with its images), its output, and the task image parameter."""
    repository = draft.stateful(
        Repository(
            "ImageRepository",
            ImageScanningConfiguration=ImageScanningConfiguration(ScanOnPush=True),
            ImageTagMutability="IMMUTABLE",
            LifecyclePolicy=LifecyclePolicy(
                LifecyclePolicyText=lifecycle_policy(draft.settings.keep_images)
            ),
            # Create-only: the key is chosen once, with the repository. ECR uses it through
            # grants it makes on creation (https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).
            EncryptionConfiguration=EncryptionConfiguration(
                EncryptionType="KMS", KmsKey=GetAtt(key, "Arn")
            ),
            # Never empty it on delete: the repository is retained with its images.
            EmptyOnDelete=False,
            Tags=draft.tags("images"),
        ),
        on_delete=RETAIN,
        on_replace=RETAIN,
    )
    draft.output(
        REPOSITORY_OUTPUT,
        GetAtt(repository, "RepositoryUri"),
        "ECR repository of the application's images",
    )
    return repository


def image(draft: Draft) -> Any:
    """The image of the application's container: the `AppImage` parameter."""
    parameter = draft.template.add_parameter(
        Parameter(
            IMAGE_PARAMETER,
            Type="String",
            Default=draft.target.app.image,
            MinLength=1,
            Description=(
                "Image of the application's container; appstack deploy --build sets it to "
                "the pushed digest"
            ),
        )
    )
    return Ref(parameter)
