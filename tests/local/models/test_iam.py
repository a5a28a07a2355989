"""AWS::IAM::OIDCProvider on the emulator: made in IAM (without thumbprints, as IAM allows
for providers it trusts by their certificate authority), Ref is its ARN, gone with its stack.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html
"""

from __future__ import annotations

import json

import boto3

REGION = "ap-southeast-7"
TEMPLATE = json.dumps(
    {
        "Resources": {
            "Provider": {
                "Type": "AWS::IAM::OIDCProvider",
                "Properties": {
                    "Url": "https://oidc.example.com",
                    "ClientIdList": ["sts.amazonaws.com"],
                },
            }
        },
        "Outputs": {"Arn": {"Value": {"Ref": "Provider"}}},
    }
)


def test_an_oidc_provider_is_made_in_iam_and_removed_with_its_stack(
    emulator_endpoint: str,
) -> None:
    cfn = boto3.client("cloudformation", region_name=REGION, endpoint_url=emulator_endpoint)
    iam = boto3.client("iam", region_name=REGION, endpoint_url=emulator_endpoint)
    cfn.create_stack(StackName="oidc-provider", TemplateBody=TEMPLATE)
    [output] = cfn.describe_stacks(StackName="oidc-provider")["Stacks"][0]["Outputs"]
    arn = output["OutputValue"]
    assert arn.endswith(":oidc-provider/oidc.example.com")
    found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert found["ClientIDList"] == ["sts.amazonaws.com"]
    cfn.delete_stack(StackName="oidc-provider")
    listed = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert arn not in [p["Arn"] for p in listed]
