"""The layout of an environment stack before the account baseline: the environment's own
template with the account's AWS Config recorder (channel, bucket, role) and CloudTrail trail
(bucket, log group, role) in it, built by the same capability functions on the
environment's Draft, and its key letting CloudTrail encrypt for that trail."""

from __future__ import annotations

from typing import Any

from appstack import blueprint, config
from appstack.blueprint import audit, aws_config, encryption
from appstack.blueprint.draft import Draft
from appstack.blueprint.shared import access_log_bucket
from appstack.deploy.adopt import ACCOUNT_WIDE

__all__ = ["ACCOUNT_WIDE", "legacy_template"]


def legacy_template(target: config.Target) -> dict[str, Any]:
    """`target`'s template as it was when environments held the recorder (phase 2 and up)
    and the trail (phase 4)."""
    template: dict[str, Any] = blueprint.to_dict(blueprint.build(target))
    draft = Draft(target)
    key = encryption.build(draft)
    access_log_bucket(draft)
    history = config.parse({}).baseline.config_history
    if target.has("config"):
        aws_config.record(draft, key, history)
    if target.has("audit"):
        audit.build(draft, key)
    old = draft.template.to_dict()
    for logical_id in ACCOUNT_WIDE:
        if logical_id in old["Resources"]:
            template["Resources"][logical_id] = old["Resources"][logical_id]
    template["Resources"]["EncryptionKey"] = old["Resources"]["EncryptionKey"]
    return template
