"""Blueprint: settings -> CloudFormation template. Pure: never calls AWS.

`build` runs the capabilities of a target in dependency order. Each capability module
takes the `Draft` (the template under construction) and what it needs from others, adds
its resources, and returns what others need. Capabilities that the task uses fill
`draft.needs` before the service is built.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import Template

from appstack.blueprint import (
    alarms,
    aws_config,
    backup,
    cache,
    database,
    encryption,
    firewall,
    insights,
    loadbalancer,
    named_secrets,
    network,
    registry,
    secrets,
    service,
    shell,
    table,
    tracing,
    vpn,
)
from appstack.blueprint.draft import Draft
from appstack.config import Target


def build(target: Target) -> Template:
    """The CloudFormation template of `target` (one environment at one phase)."""
    draft = Draft(target)
    key = encryption.build(draft)
    net = network.build(draft, key)
    alb_sg, task_sg = loadbalancer.security_groups(draft, net)
    app_table = table.build(draft, key)
    registry.build(draft, key)

    # Data stores and task add-ons: they fill draft.needs before the service is built.
    db = database.build(draft, net, task_sg, key) if target.has("database") else None
    if target.has("cache"):
        cache.build(draft, net, task_sg, key)
    if target.has("tracing"):
        tracing.build(draft)
    if target.has("secrets"):
        secrets.build(draft, key)
    named_secrets.build(draft, key)  # the application's own, at every phase

    alarm_topic = alarms.topic(draft, key)
    door = loadbalancer.build(draft, net, alb_sg, task_sg)
    app = service.build(draft, net, door, key)
    if target.env.exec:
        shell.build(draft, app, key)
    if db is not None:
        database.restart_on_rotation(draft, db, app)
    alarms.build(draft, alarm_topic, door, app, app_table)

    # Capabilities around the running service.
    if target.has("config"):
        # The rules only: the recorder is the account baseline's.
        aws_config.build(draft)
    if target.has("firewall"):
        firewall.build(draft, door.load_balancer, key)
    if target.has("vpn"):
        vpn.build(draft, net, task_sg)
    # `audit` is the account baseline's trail (blueprint.baseline): nothing of the stack's.
    if target.has("backup"):
        backup.build(draft, key, app_table, db)
    if target.has("insights"):
        insights.build(draft)

    return draft.template


def to_dict(template: Template) -> dict[str, Any]:
    data: dict[str, Any] = template.to_dict()
    return data


def to_json(template: Template) -> str:
    return json.dumps(to_dict(template), indent=2, sort_keys=False) + "\n"
