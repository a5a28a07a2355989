"""A kept resource keeps the name it has in the deployed stack.

A resource that is kept on delete (its data outlives the stack) must get a new name with
each creation, or it could never come back once a phase change removed it (rule AS007).
But its name is create-only: a template that builds the name another way than the deployed
one (a stack from an older appstack) would replace it, which the stack policy denies.

So the name is `Fn::If`: the resource's deployed name when the deploy supplies one, else the
name the blueprint builds, new with each creation. The deployed name enters as the Default of
a template parameter, empty in the blueprint; `appstack deploy` fills it from the physical id
of the resource in the deployed stack (`deploy.kept_names`), and only from that. CloudFormation
knows parameters and conditions when it makes the change set and compares the values they
resolve to: the same name reached another way is no change ("Static" evaluation,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html;
AWS CDK's change-set diff relies on it, aws/aws-cdk-cli#641 and #1951). A name that comes from
another resource (Fn::GetAtt) is compared as written, so a stack keeps the parameter's value
once it has one (aws-cloudformation/cloudformation-coverage-roadmap#290).

The template says which parameter holds which resource's deployed name in its Metadata
(`appstack` / `DeployedNames`: parameter -> logical id): the deploy engine fills those
parameters and rule AS007 accepts those names, from the same declaration.
"""

from __future__ import annotations

from typing import Any

from troposphere import Equals, If, Not, Parameter, Ref, Template

METADATA = "appstack"
DECLARATION = "DeployedNames"
#: Names CloudFormation resources take: letters, digits and a few separators (the empty
#: value means "none deployed").
_PATTERN = r"^[A-Za-z0-9._/+=@-]{0,255}$"


def parameter_of(logical_id: str) -> str:
    return f"{logical_id}DeployedName"


def keep(template: Template, logical_id: str, new_name: Any) -> If:
    """The name of `logical_id`: its deployed name if the deploy supplies it, else `new_name`.

    Adds the parameter (Default empty), the condition, and the declaration in Metadata."""
    parameter = template.add_parameter(
        Parameter(
            parameter_of(logical_id),
            Type="String",
            Default="",
            AllowedPattern=_PATTERN,
            Description=(
                f"Name of the deployed {logical_id}, kept; set by appstack deploy from the "
                "deployed stack, empty for a new one"
            ),
        )
    )
    condition = f"{logical_id}IsDeployed"
    template.add_condition(condition, Not(Equals(Ref(parameter), "")))
    metadata = dict(template.metadata or {})
    ours = dict(metadata.get(METADATA, {}))
    ours[DECLARATION] = {**ours.get(DECLARATION, {}), parameter.title: logical_id}
    metadata[METADATA] = ours
    template.set_metadata(metadata)
    return If(condition, Ref(parameter), new_name)
