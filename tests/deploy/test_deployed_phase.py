"""The phase a stack is deployed at: recorded in its template's Metadata (custom template
metadata, kept as written:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html)
and read back from the deployed template; a stack deployed before that is read from the
description appstack wrote then."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from appstack import local
from appstack.deploy import stacks
from conftest import remove_stack, synth

TOPIC = {"Topic": {"Type": "AWS::SNS::Topic"}}
VPN = {"environments": {"dev": {"vpn": {"customer_gateway_ip": "203.0.113.10"}}}}
OLD_DESCRIPTION = "appstack 0.4.0: myapp (dev), phase 2: network, service, table, database"


@pytest.fixture(scope="module")
def cfn(emulator_endpoint: str) -> Iterator[Any]:
    client = local.connect("us-west-1", emulator_endpoint).client("cloudformation")
    made: list[str] = []

    def create(name: str, template: dict[str, Any]) -> dict[str, Any]:
        client.create_stack(StackName=name, TemplateBody=json.dumps(template))
        made.append(name)
        return client.describe_stacks(StackName=name)["Stacks"][0]

    client.create = create
    yield client
    for name in made:
        remove_stack(client, name)


@pytest.mark.parametrize("phase", [1, 2, 3, 4])
def test_every_template_records_its_phase_in_its_metadata(phase: int) -> None:
    built = synth(VPN, phase=phase)
    recorded = built["Metadata"]["appstack"]
    assert {k: recorded[k] for k in ("environment", "phase")} == {
        "environment": "dev",
        "phase": phase,
    }
    assert stacks.recorded_phase(built) == phase


def test_the_deployed_phase_is_read_from_the_deployed_templates_metadata(cfn: Any) -> None:
    """The description says phase 2, the Metadata 3: the Metadata is what counts."""
    template = {
        "Description": OLD_DESCRIPTION,
        "Metadata": {"appstack": {"environment": "dev", "phase": 3}},
        "Resources": TOPIC,
    }
    found = cfn.create("phase-in-metadata", template)
    assert stacks.deployed_phase(cfn, found) == 3


def test_a_stack_deployed_before_the_phase_was_recorded_is_read_from_its_description(
    cfn: Any,
) -> None:
    found = cfn.create("phase-in-description", {"Description": OLD_DESCRIPTION, "Resources": TOPIC})
    assert stacks.deployed_phase(cfn, found) == 2


def test_another_tools_stack_has_no_deployed_phase(cfn: Any) -> None:
    template = {"Description": "someone else's stack, phase 2: x", "Resources": TOPIC}
    found = cfn.create("not-appstacks-phase", template)
    assert stacks.deployed_phase(cfn, found) is None
    assert stacks.deployed_phase(cfn, None) is None
