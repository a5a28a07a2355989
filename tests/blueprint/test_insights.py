"""Insights: Application Insights over a resource group of this stack's resources."""

from __future__ import annotations

import re

import pytest

from blueprint.database_standin import features
from conftest import Template, props, refs, synth


@pytest.fixture(scope="module")
def watched() -> Template:
    return synth(features(insights=True))


def test_the_group_holds_the_resources_of_this_stack(watched: Template) -> None:
    query = props(watched, "InsightsResourceGroup")["ResourceQuery"]
    assert query["Type"] == "CLOUDFORMATION_STACK_1_0"
    # Without a StackIdentifier the group follows the stack that defines it.
    assert "StackIdentifier" not in query.get("Query", {})


def test_the_application_is_built_on_the_group_and_waits_for_it(watched: Template) -> None:
    application = props(watched, "InsightsApplication")
    assert refs(application["ResourceGroupName"]) == {"InsightsResourceGroup"}


def test_the_application_configures_itself_and_watches_events(watched: Template) -> None:
    application = props(watched, "InsightsApplication")
    assert application["AutoConfigurationEnabled"] is True
    # CWEMonitorEnabled is the property; "CWMonitoringEnabled" does not exist.
    assert application["CWEMonitorEnabled"] is True
    assert "CWMonitoringEnabled" not in application


def test_the_group_name_never_starts_with_the_reserved_aws_prefix() -> None:
    # Resource group names may not start with "aws" in any case; application names may.
    template = synth({"application_name": "awsome", **features(insights=True)})
    name = props(template, "InsightsResourceGroup")["Name"]["Fn::Sub"]
    resolved = name.replace("${ApplicationName}", "awsome").replace("${EnvironmentSuffix}", "dev")
    assert not resolved.lower().startswith("aws")
    assert re.fullmatch(r"[a-zA-Z0-9_.-]{1,128}", resolved)


def test_the_group_description_uses_only_the_characters_allowed(watched: Template) -> None:
    description = props(watched, "InsightsResourceGroup")["Description"]
    assert re.fullmatch(r"[\sa-zA-Z0-9_.-]{0,512}", description)


def test_insights_stays_off_in_phase_1() -> None:
    assert "InsightsApplication" not in synth()["Resources"]
