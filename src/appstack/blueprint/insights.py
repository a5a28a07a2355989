"""Insights: CloudWatch Application Insights watching every resource of this stack.

A resource group holds the stack's resources (a CloudFormation-stack query, so it follows the
stack as capabilities come and go); Application Insights configures the recommended metrics,
logs and alarms for them and correlates problems.
"""

from __future__ import annotations

from troposphere import Ref, Sub
from troposphere.applicationinsights import Application
from troposphere.resourcegroups import Group, ResourceQuery

from appstack.blueprint.draft import Draft

#: The query type whose members are the resources of a CloudFormation stack (without a
#: StackIdentifier: the stack that defines the group).
STACK_QUERY = "CLOUDFORMATION_STACK_1_0"


def build(draft: Draft) -> Application:
    group = draft.add(
        Group(
            "InsightsResourceGroup",
            # Resource group names may not start with "aws" in any case (reserved), which an
            # application name may: the purpose comes first.
            Name=Sub("insights-${ApplicationName}-${EnvironmentSuffix}"),
            Description="Resources of this stack",
            ResourceQuery=ResourceQuery(Type=STACK_QUERY),
            Tags=draft.tags("insights"),
        )
    )
    return draft.add(
        Application(
            "InsightsApplication",
            # Ref (the group's name) also makes the application wait for the group.
            ResourceGroupName=Ref(group),
            AutoConfigurationEnabled=True,
            # Problems from CloudWatch Events too (failed deployments, stopped tasks).
            CWEMonitorEnabled=True,
            Tags=draft.tags("insights"),
        )
    )
