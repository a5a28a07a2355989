"""Blueprint: settings -> CloudFormation template. Pure: never calls AWS.

`build` runs the capabilities of a target in dependency order. Each capability module
takes the `Stack` and what it needs from others, adds its resources, and returns what
others need. Capabilities that the task uses fill `stack.needs` before the service is built.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import Template

from appstack.blueprint import (
    alarms,
    audit,
    aws_config,
    backup,
    cache,
    database,
    encryption,
    firewall,
    insights,
    loadbalancer,
    network,
    secrets,
    service,
    table,
    tracing,
    vpn,
)
from appstack.blueprint.stack import Stack
from appstack.config import Target


def build(target: Target) -> Template:
    """The CloudFormation template of `target` (one environment at one phase)."""
    stack = Stack(target)
    key = encryption.build(stack)
    net = network.build(stack, key)
    alb_sg, task_sg = loadbalancer.security_groups(stack, net)
    app_table = table.build(stack, key)

    # Data stores and task add-ons: they fill stack.needs before the service is built.
    db = database.build(stack, net, task_sg, key) if target.has("database") else None
    if target.has("cache"):
        cache.build(stack, net, task_sg, key)
    if target.has("tracing"):
        tracing.build(stack)
    if target.has("secrets"):
        secrets.build(stack, key)

    alarm_topic = alarms.topic(stack, key)
    door = loadbalancer.build(stack, net, alb_sg, task_sg)
    app = service.build(stack, net, door, key)
    if db is not None:
        database.restart_on_rotation(stack, db, app)
    alarms.build(stack, alarm_topic, door, app, app_table)

    # Capabilities around the running service.
    if target.has("config"):
        aws_config.build(stack, key)
    if target.has("firewall"):
        firewall.build(stack, door.load_balancer, key)
    if target.has("vpn"):
        vpn.build(stack, net, task_sg)
    if target.has("audit"):
        audit.build(stack, key)
    if target.has("backup"):
        backup.build(stack, key, app_table, db)
    if target.has("insights"):
        insights.build(stack)

    return stack.template


def to_dict(template: Template) -> dict[str, Any]:
    data: dict[str, Any] = template.to_dict()
    return data


def to_json(template: Template) -> str:
    return json.dumps(to_dict(template), indent=2, sort_keys=False) + "\n"
