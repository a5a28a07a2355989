"""EM411: an ECR repository gets its lifecycle policy, and a change of its lifecycle policy,
scanning, tag mutability or tags is made in place.

Those properties update with no interruption; only RepositoryName and EncryptionConfiguration
replace the repository (and EM102 replaces it for those, from the registry schema). moto
5.2.5 drops LifecyclePolicy, and on any update whose generated name it draws anew it deletes
the repository, images and all, whatever its UpdateReplacePolicy says, and creates another.
"""

from __future__ import annotations

from typing import Any

from appstack.local.fidelity import rule

SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-resource-ecr-repository.html"
)


def _apply(repository: Any, cloudformation_json: Any) -> None:
    """Apply the in-place properties to `repository` through its service."""
    from moto.ecr.models import RepositoryUpdateProperty, ecr_backends

    properties = cloudformation_json.get("Properties") or {}
    backend = ecr_backends[repository.account_id][repository.region_name]
    policy = (properties.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
    if policy:
        backend.put_lifecycle_policy(repository.registry_id, repository.name, policy)
    scanning = properties.get("ImageScanningConfiguration")
    if scanning is not None:
        repository.update(
            RepositoryUpdateProperty.IMAGE_SCANNING_CONFIGURATION,
            image_scanning_configuration={"scanOnPush": bool(scanning.get("ScanOnPush"))},
        )
    mutability = properties.get("ImageTagMutability")
    if mutability:
        repository.update(
            RepositoryUpdateProperty.IMAGE_TAG_MUTABILITY, image_tag_mutability=mutability
        )
    backend.tagger.tag_resource(repository.arn, properties.get("Tags", []))


@rule("EM411", "An ECR repository's lifecycle policy applies, and changes in place", SOURCE)
def install() -> None:
    from moto.ecr.models import Repository

    created = Repository.__dict__["create_from_cloudformation_json"].__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *a: Any, **kw: Any) -> Any:
        repository = created(cls, resource_name, cloudformation_json, *a, **kw)
        _apply(repository, cloudformation_json)
        return repository

    def update(cls: Any, /, **kw: Any) -> Any:
        # Called with keywords only (moto.cloudformation.parsing.parse_and_update_resource).
        _apply(kw["original_resource"], kw["cloudformation_json"])
        return kw["original_resource"]

    setattr(Repository, "create_from_cloudformation_json", classmethod(create))  # noqa: B010
    setattr(Repository, "update_from_cloudformation_json", classmethod(update))  # noqa: B010
