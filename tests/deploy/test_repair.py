"""What `repair` reads from a deployed template: the policy it needs, whether it is a
production stack's, and deletion protection switched on a few resources only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from appstack.deploy import protection, repair

Template = dict[str, Any]


def test_no_policy_leaves_every_stateful_resource_open(
    build_template: Callable[..., Template],
) -> None:
    needed = protection.stack_policy(build_template("dev", 1))
    # Log groups hold data too (their events): the stack policy protects them as well.
    assert repair.lacks(None, needed) == [
        "AccessLogBucket",
        "AppLogGroup",
        "EncryptionKey",
        "ExecLogGroup",  # ECS Exec's session log (exec: true in dev)
        "FlowLogGroup",
        "ImageRepository",  # the images a build pushed
        "Table",
    ]


def test_phase_1_policy_on_a_phase_2_stack_leaves_the_database_open(
    build_template: Callable[..., Template],
) -> None:
    lower = protection.stack_policy(build_template("dev", 1))
    needed = protection.stack_policy(build_template("dev", 2))
    # RDS keeps the database password in a secret of its own (ManageMasterUserPassword).
    assert repair.lacks(lower, needed) == [
        "DatabaseCluster",
        "DatabaseLogGroup",
        "WebAclLogGroup",
    ]
    assert repair.lacks(needed, needed) == []


def test_a_policy_that_denies_everything_lacks_nothing(
    build_template: Callable[..., Template],
) -> None:
    everything = json.dumps(
        {"Statement": [{"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}
    )
    assert repair.lacks(everything, protection.stack_policy(build_template("dev", 2))) == []


def test_a_template_with_deletion_protection_is_a_production_stacks(
    build_template: Callable[..., Template],
) -> None:
    assert repair.is_production(build_template("prod", 1))
    assert not repair.is_production(build_template("dev", 2))


def test_lifting_deletion_protection_changes_that_property_and_nothing_else(
    build_template: Callable[..., Template],
) -> None:
    prod = build_template("prod", 2)
    lifted = repair.with_deletion_protection(prod, {"DatabaseCluster", "LoadBalancer"}, False)
    assert not repair.deletion_protected(lifted["Resources"]["DatabaseCluster"])
    assert not repair.deletion_protected(lifted["Resources"]["LoadBalancer"])
    assert repair.deletion_protected(lifted["Resources"]["Table"])
    assert repair.deletion_protected(prod["Resources"]["DatabaseCluster"])  # a copy was changed
    back = repair.with_deletion_protection(lifted, {"DatabaseCluster", "LoadBalancer"}, True)
    assert back == prod
