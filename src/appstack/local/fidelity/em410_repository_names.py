"""EM410: a repository CloudFormation names is one ECR accepts.

ECR repository names are lowercase letters, digits and `._-/` separators (CreateRepository,
repositoryName). An `AWS::ECR::Repository` without RepositoryName gets a name CloudFormation
generates, which ECR accepts; moto 5.2.5 generates `<stack>-<LogicalId>-<SUFFIX>` for every
type, which its own ECR refuses, so the stack fails. Here the generated repository name is
the same one lowercased (a stack name may hold capitals too).
"""

from __future__ import annotations

from appstack.local.fidelity import rule

SOURCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"


@rule("EM410", "A repository name CloudFormation generates is lowercase", SOURCE)
def install() -> None:
    from moto.cloudformation import parsing

    original = parsing.generate_resource_name

    def generate_resource_name(resource_type: str, stack_name: str, logical_id: str) -> str:
        name = original(resource_type, stack_name, logical_id)
        return name.lower() if resource_type == "AWS::ECR::Repository" else name

    parsing.generate_resource_name = generate_resource_name
