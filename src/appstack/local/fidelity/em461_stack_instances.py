"""EM461: a stack instance is a stack named StackSet-<stack set>-<id> in its account and
Region, and runs the StackSet's current template.

A StackSet "is a container for stacks"; an update of the StackSet "deploys the updated
template to all stack instances" unless accounts and Regions narrow it, and an instance
created later gets the template as it is then. moto 5.2.5 names an instance's stack
`StackSet:<name>` (a colon, which no stack name takes), updates no instance when the update
names no accounts and Regions, and creates later instances from the template the StackSet
was created with. Here every self-managed instance's stack gets a valid name, an update
reaches every instance's stack, and a new instance takes the current template.
"""

from __future__ import annotations

import uuid
from typing import Any

from appstack.local.fidelity import Method, in_place_of, rule

PREFIX = "StackSet:"


@rule(
    "EM461",
    "Stack instances are StackSet-<name>-<id> stacks that an update of their StackSet reaches",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html",
)
def install() -> None:
    from moto.cloudformation.models import CloudFormationBackend, StackSet, cloudformation_backends

    @in_place_of(CloudFormationBackend, "create_stack")
    def named_create_stack(
        create_stack: Method, self: Any, name: str, *args: Any, **kw: Any
    ) -> Any:
        if name.startswith(PREFIX):
            name = f"StackSet-{name[len(PREFIX) :]}-{uuid.uuid4()}"
        return create_stack(self, name, *args, **kw)

    @in_place_of(StackSet, "update")
    def update_everywhere(update: Method, self: Any, *args: Any, **kwargs: Any) -> Any:
        operation = update(self, *args, **kwargs)
        self.instances.template = self.template
        named = bool(kwargs.get("accounts")) and bool(kwargs.get("regions"))
        for instance in self.stack_instances:
            if named and (
                instance.account_id not in kwargs["accounts"]
                or instance.region_name not in kwargs["regions"]
            ):
                continue
            stack = getattr(instance, "stack", None)
            if stack is None or instance.permission_model != "SELF_MANAGED":
                continue
            backend = cloudformation_backends[instance.account_id][instance.region_name]
            backend.update_stack(stack.name, self.template, None, [], None)
            instance.template = self.template
        return operation
