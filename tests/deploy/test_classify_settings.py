"""Settings say one thing each: deletion protection is not snapshot retention."""

from __future__ import annotations

from typing import Any

import pytest

from appstack import config
from conftest import props, synth

VPN = {"customer_gateway_ip": "203.0.113.10"}


def cache_days(**env: Any) -> Any:
    template = synth({"environments": {"prod": {"vpn": VPN, **env}}}, env="prod", phase=3)
    return props(template, "Cache")["SnapshotRetentionLimit"]


def test_switching_deletion_protection_off_keeps_the_cache_snapshots() -> None:
    assert cache_days() == 7
    assert cache_days(deletion_protection=False) == 7


def test_cache_snapshot_retention_is_its_own_setting() -> None:
    assert cache_days(cache={"snapshot_retention_days": 14}) == 14
    dev = synth({"environments": {"dev": {"vpn": VPN}}}, env="dev", phase=3)
    assert props(dev, "Cache")["SnapshotRetentionLimit"] == 1


def test_snapshot_retention_beyond_what_elasticache_keeps_names_the_field() -> None:
    with pytest.raises(config.ConfigError, match=r"cache\.snapshot_retention_days: .*35"):
        config.parse({"environments": {"prod": {"cache": {"snapshot_retention_days": 36}}}})
