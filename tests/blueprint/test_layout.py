"""The blueprint reads like the architecture: one module per capability, named after it, and
the pieces several capabilities share in one module."""

from __future__ import annotations

import importlib
import pkgutil

from appstack import blueprint
from appstack.phases import ALL_CAPABILITIES

#: A capability named after an AWS service whose bare name would read as something else
#: (`config` beside appstack's own config) is the module `aws_<name>`.
SERVICE_NAMED = {"config": "aws_config"}


def test_each_capability_is_built_by_the_module_of_its_name() -> None:
    modules = {m.name for m in pkgutil.iter_modules(blueprint.__path__)}
    for capability in ALL_CAPABILITIES:
        module = SERVICE_NAMED.get(capability, capability)
        assert module in modules, capability
        assert hasattr(importlib.import_module(f"appstack.blueprint.{module}"), "build")


def test_the_shared_pieces_live_in_one_module() -> None:
    from appstack.blueprint import shared

    for piece in (
        "log_bucket",
        "access_log_bucket",
        "tls_only_statement",
        "elb_log_principal",
        "service_role_trust",
        "data_store_group",
    ):
        assert callable(getattr(shared, piece)), piece
    modules = {m.name for m in pkgutil.iter_modules(blueprint.__path__)}
    assert not modules & {"buckets", "security", "compliance"}
