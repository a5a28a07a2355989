"""EM410: a repository CloudFormation names is one ECR accepts.

ECR repository names are lowercase (CreateRepository's repositoryName pattern,
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html); an
`AWS::ECR::Repository` without RepositoryName gets a name CloudFormation generates
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html#cfn-ecr-repository-repositoryname),
so it is a lowercase one. moto 5.2.5 generates `<stack>-<LogicalId>-<SUFFIX>` and its own
ECR refuses it, failing the stack.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from emulator._lifecycle import client, deploy, physical_id, unique

REGION = "eu-south-2"
PATTERN = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Any:
    return client("cloudformation", emulator_endpoint, REGION)


def test_a_generated_repository_name_is_one_ecr_accepts(cfn: Any, emulator_endpoint: str) -> None:
    stack = unique("Images")
    template = {"Resources": {"ImageRepository": {"Type": "AWS::ECR::Repository"}}}
    assert deploy(cfn, stack, template) == "CREATE_COMPLETE"
    name = physical_id(cfn, stack, "ImageRepository")
    assert PATTERN.match(name), name
    ecr = client("ecr", emulator_endpoint, REGION)
    [found] = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert found["repositoryUri"].endswith(f"/{name}")


def test_ecr_still_refuses_a_name_with_capitals(emulator_endpoint: str) -> None:
    ecr = client("ecr", emulator_endpoint, REGION)
    with pytest.raises(ecr.exceptions.InvalidParameterException):
        ecr.create_repository(repositoryName="MyApp")
