"""appstack's own template rules, for what cfn-lint and checkov miss.

Each rule is a small declared unit in its own module: `@rule(id, description, fix)` on a
class with `check(template) -> findings`. `RULES` lists them; `run_rules` runs them all.
"""

from __future__ import annotations

from typing import Any

from appstack.checks.findings import Finding
from appstack.checks.rules.base import Rule
from appstack.checks.rules.bucket_tls import BucketTlsOnly
from appstack.checks.rules.iam_wildcards import NoWildcardActionOnWildcardResource
from appstack.checks.rules.log_groups import LogGroupsEncryptedWithRetention
from appstack.checks.rules.open_ingress import OpenIngressOnlyOnLoadBalancerWebPorts
from appstack.checks.rules.retained_names import RetainedResourcesHaveNoFixedName
from appstack.checks.rules.secrets_in_template import NoSecretInTemplate
from appstack.checks.rules.stateful_policies import StatefulResourcesKeepData

RULES: tuple[Rule, ...] = (
    NoSecretInTemplate(),
    NoWildcardActionOnWildcardResource(),
    StatefulResourcesKeepData(),
    OpenIngressOnlyOnLoadBalancerWebPorts(),
    BucketTlsOnly(),
    LogGroupsEncryptedWithRetention(),
    RetainedResourcesHaveNoFixedName(),
)


def run_rules(template: dict[str, Any]) -> list[Finding]:
    return [finding for rule in RULES for finding in rule.check(template)]
